"""Probation and official recognition (DOMAIN-RULES.md §1.2).

Probation lasts 12 months from the admission; a qualifying member becomes a full member on the
day the 12 months end, whenever the branch met or the committee signed. The branch votes within
30 working days after that day; a member who does not qualify is struck off (xóa tên), not
expelled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from tochuc.core.findings import Finding, Level
from tochuc.events.fold import EventData
from tochuc.events.kinds import Status
from tochuc.lib.dates import format_date
from tochuc.rules.derived import probation_end, probation_start, vote_deadline
from tochuc.rules.engine import Context, Draft, rule

SOURCE_PROBATION = "Điều lệ Đảng, Điều 5; Quy định 29-QĐ/TW (2016) và 24-QĐ/TW (2021), điểm 4"

MSG_TOO_EARLY = (
    "Chưa hết 12 tháng dự bị: kết nạp ngày {start}, hết dự bị ngày {end}; ngày công nhận "
    "chính thức ghi {on} ({source})"
)
MSG_NOT_ON_END = (
    "Đảng viên được công nhận chính thức kể từ ngày hết 12 tháng dự bị ({end}), dù chi bộ "
    "xét hoặc cấp ủy quyết định muộn hơn; ngày công nhận ghi {on} ({source})"
)
MSG_VOTE_LATE = (
    "Chi bộ phải xét công nhận chính thức trong 30 ngày làm việc sau khi hết dự bị (hạn "
    "{deadline}); chi bộ xét ngày {voted} ({source})"
)
MSG_STRUCK_OFF = (
    "Đảng viên dự bị không được khai trừ: nếu không đủ tư cách thì xóa tên trong danh sách "
    "đảng viên dự bị (loại sự kiện “Xóa tên”) ({source})"
)


def _before(ctx: Context, draft: Draft) -> list[EventData]:
    return [e for e in ctx.history if e.effective_on <= draft.effective_on]


def _start(ctx: Context, draft: Draft) -> dt.date | None:
    if ctx.state_before is None:
        return None
    return probation_start(_before(ctx, draft), ctx.state_before)


@rule(
    "probation.recognition_date",
    title="Công nhận chính thức có hiệu lực đúng ngày hết 12 tháng dự bị",
    kinds={"recognition"},
    source=SOURCE_PROBATION,
    confidence="S",
)
def recognition_date(draft: Draft, ctx: Context) -> Iterator[Finding]:
    """Before the 12 months end: error (the probation is not served). After: a warning, because
    the official date is the end of probation and the later date is most likely the decision's
    (record that as `decided_on`)."""
    start = _start(ctx, draft)
    if start is None:
        return
    end = probation_end(start)
    values = {"start": format_date(start), "end": format_date(end), "on": format_date(draft.effective_on), "source": SOURCE_PROBATION}
    if draft.effective_on < end:
        yield Finding("probation.recognition_date", Level.ERROR, MSG_TOO_EARLY.format(**values), "effective_on", SOURCE_PROBATION)
    elif draft.effective_on > end:
        yield Finding("probation.recognition_date", Level.WARNING, MSG_NOT_ON_END.format(**values), "effective_on", SOURCE_PROBATION)


@rule(
    "probation.vote_deadline",
    title="Chi bộ xét công nhận chính thức trong 30 ngày làm việc sau khi hết dự bị",
    kinds={"recognition", "removal"},
    source=SOURCE_PROBATION,
    confidence="S",
)
def vote_within_deadline(draft: Draft, ctx: Context) -> Iterator[Finding]:
    """Info only: a late vote does not change the official date. The vote date is
    `details["voted_on"]`; without it there is nothing to check."""
    raw = draft.details.get("voted_on")
    start = _start(ctx, draft)
    if not raw or start is None:
        return
    voted = dt.date.fromisoformat(str(raw))
    deadline = vote_deadline(probation_end(start))
    if voted > deadline:
        yield Finding(
            "probation.vote_deadline", Level.INFO,
            MSG_VOTE_LATE.format(deadline=format_date(deadline), voted=format_date(voted), source=SOURCE_PROBATION),
            "voted_on", SOURCE_PROBATION,
        )


@rule(
    "probation.struck_off_not_expelled",
    title="Đảng viên dự bị không đủ tư cách thì xóa tên, không khai trừ",
    kinds={"discipline"},
    source=SOURCE_PROBATION,
    confidence="S",
)
def struck_off_not_expelled(draft: Draft, ctx: Context) -> Iterator[Finding]:
    st = ctx.state_before
    if draft.person is None or draft.subtype != "expulsion" or st is None or st.status != Status.PROBATIONARY:
        return
    if st.intervals and st.intervals[-1].valid_to is None:
        yield Finding("probation.struck_off_not_expelled", Level.ERROR, MSG_STRUCK_OFF.format(source=SOURCE_PROBATION), "subtype", SOURCE_PROBATION)
