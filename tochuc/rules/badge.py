"""The Party badge (Huy hiệu Đảng): milestones by period, early awards, discipline holds
(DOMAIN-RULES.md §2). Party age and due dates come from `tochuc.rules.derived`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from tochuc.core.findings import Finding, Level
from tochuc.events.kinds import Status
from tochuc.lib.dates import add_months, format_date
from tochuc.rules import params
from tochuc.rules.derived import badge_years, discipline_effects, milestone_due_on, milestones_on, recognised_by
from tochuc.rules.engine import Context, Draft, rule
from tochuc.rules.params import param

SOURCE_2011 = "Quy định 45-QĐ/TW (2011), điểm 14; Hướng dẫn 01-HD/TW (2012)"
SOURCE_2016 = "Quy định 29-QĐ/TW (25/7/2016), điểm 14; Hướng dẫn 01-HD/TW (2016), điểm 18"
SOURCE_2021 = "Quy định 24-QĐ/TW (30/7/2021); Hướng dẫn 01-HD/TW (28/9/2021), điểm 18"

MSG_NOT_MILESTONE = "Không có Huy hiệu {years} năm tuổi Đảng theo văn bản lúc đó (các mốc: {milestones}) ({source})"
MSG_NOT_FULL = "{name} chưa là đảng viên chính thức vào ngày {on}: tuổi đảng chỉ tính cho đảng viên chính thức ({source})"
MSG_LEFT = "{name} đã ra khỏi Đảng ngày {left} ({reason}): không xét tặng Huy hiệu Đảng ({source})"
MSG_NOT_REACHED = (
    "Chưa đủ {years} năm tuổi Đảng: đủ vào ngày {due} (đã trừ thời gian gián đoạn); ngày tặng "
    "ghi {on} ({source})"
)
MSG_EARLY = (
    "Tặng sớm Huy hiệu {years} năm (đủ tuổi đảng ngày {due}, tặng ngày {on}) chỉ cho đảng viên "
    "bị bệnh hiểm nghèo, sớm không quá {months} tháng: cần xác nhận ({source})"
)
MSG_POSTHUMOUS_NOT_REACHED = (
    "Truy tặng Huy hiệu {years} năm: đảng viên từ trần ngày {left}, khi chưa đủ {years} năm "
    "tuổi Đảng (đủ vào ngày {due}) ({source})"
)
MSG_HELD = (
    "Đảng viên bị kỷ luật {form} ngày {disciplined}: chưa được xét tặng Huy hiệu Đảng trước ngày "
    "{until} ({months} tháng, nếu sửa chữa tốt) ({source})"
)
MSG_TWICE = "{name} đã được tặng Huy hiệu {years} năm tuổi Đảng ngày {on} ({source})"
FORM_LABELS = {"reprimand": "khiển trách", "warning": "cảnh cáo", "removal_from_post": "cách chức"}
LEFT_LABELS = {"removal": "xóa tên", "withdrawal": "ra khỏi Đảng", "expulsion": "khai trừ", "transferred_out": "chuyển ra ngoài hệ thống"}


def early_months(years: int, on: dt.date) -> int:
    if on >= params.QD24_2021:
        table = param("badge_early_months_2021")
        return int(table["from_70"] if years >= 70 else table["below_70"])
    return int(param("badge_early_months_2016"))


def _milestone_findings(draft: Draft, ctx: Context, source: str) -> Iterator[Finding]:
    years = badge_years(draft.subtype)
    if years is None or draft.person is None or ctx.state_before is None:
        return
    code = "badge.milestone"
    milestones = milestones_on(draft.effective_on)
    if years not in milestones:
        yield Finding(code, Level.ERROR, MSG_NOT_MILESTONE.format(years=years, milestones=", ".join(map(str, milestones)), source=source), "subtype", source)
        return
    st = ctx.state_before
    name, on = draft.person.full_name, draft.effective_on
    posthumous = st.status == Status.LEFT and st.left_reason == "death"
    if st.status == Status.LEFT and not posthumous:
        yield Finding(code, Level.ERROR, MSG_LEFT.format(name=name, left=format_date(st.left_on), reason=LEFT_LABELS.get(st.left_reason, st.left_reason), source=source), "person", source)
        return
    if not recognised_by(st, on):
        yield Finding(code, Level.ERROR, MSG_NOT_FULL.format(name=name, on=format_date(on), source=source), "person", source)
        return
    due = milestone_due_on(st, years, until_left=posthumous)
    if due is None:
        return
    reached_by = st.left_on if posthumous and st.left_on else on
    if due <= reached_by:
        return
    allowed = early_months(years, on) if not posthumous else param("badge_early_months_2016")
    if add_months(due, -allowed) <= reached_by:
        yield Finding("badge.early", Level.WARNING, MSG_EARLY.format(years=years, due=format_date(due), on=format_date(on), months=allowed, source=source), "effective_on", source)
    elif posthumous:
        yield Finding(code, Level.ERROR, MSG_POSTHUMOUS_NOT_REACHED.format(years=years, left=format_date(st.left_on), due=format_date(due), source=source), "effective_on", source)
    else:
        yield Finding(code, Level.ERROR, MSG_NOT_REACHED.format(years=years, due=format_date(due), on=format_date(on), source=source), "effective_on", source)


TITLE_MILESTONE = "Huy hiệu Đảng đúng mốc tuổi đảng (đã trừ thời gian gián đoạn); tặng sớm chỉ khi bệnh hiểm nghèo"


@rule("badge.milestone", title=TITLE_MILESTONE, kinds={"award"}, source=SOURCE_2011, valid_to=params.QD29_2016, confidence="S")
def badge_milestone_2011(draft: Draft, ctx: Context) -> Iterator[Finding]:
    """Milestones 30, 40, 50, 55 … 90 (no 45-year badge before QĐ 29); early ≤ 12 months."""
    yield from _milestone_findings(draft, ctx, SOURCE_2011)


@rule("badge.milestone", title=TITLE_MILESTONE, kinds={"award"}, source=SOURCE_2016, valid_from=params.QD29_2016, valid_to=params.QD24_2021, confidence="S")
def badge_milestone_2016(draft: Draft, ctx: Context) -> Iterator[Finding]:
    """Milestones 30, 40, 45, 50 … 90; early award for serious illness ≤ 12 months (warning to
    confirm); posthumous award when the party age was reached by the day of death."""
    yield from _milestone_findings(draft, ctx, SOURCE_2016)


@rule("badge.milestone", title=TITLE_MILESTONE, kinds={"award"}, source=SOURCE_2021, valid_from=params.QD24_2021, confidence="S")
def badge_milestone_2021(draft: Draft, ctx: Context) -> Iterator[Finding]:
    """As 2016; early award ≤ 12 months for the 30–65-year badges, ≤ 24 months for 70–90
    (parameter `badge_early_months_2021`)."""
    yield from _milestone_findings(draft, ctx, SOURCE_2021)


def _hold_findings(draft: Draft, ctx: Context, source: str) -> Iterator[Finding]:
    if badge_years(draft.subtype) is None or draft.person is None:
        return
    history = [e for e in ctx.history if e.effective_on <= draft.effective_on]
    for effect in discipline_effects(history, judged_on=draft.effective_on):
        if effect.badge_hold_until and draft.effective_on < effect.badge_hold_until:
            months = (effect.badge_hold_until.year - effect.on.year) * 12 + effect.badge_hold_until.month - effect.on.month
            yield Finding(
                "badge.discipline_hold", Level.ERROR,
                MSG_HELD.format(form=FORM_LABELS.get(effect.subtype, effect.subtype), disciplined=format_date(effect.on),
                                until=format_date(effect.badge_hold_until), months=months, source=source),
                "effective_on", source,
            )


@rule(
    "badge.discipline_hold",
    title="Bị kỷ luật từ cảnh cáo trở lên: xét tặng Huy hiệu sau 6 tháng (cảnh cáo), 12 tháng (cách chức)",
    kinds={"award"}, source=SOURCE_2016, valid_to=params.QD24_2021, confidence="S",
)
def badge_hold_2016(draft: Draft, ctx: Context) -> Iterator[Finding]:
    """Months from the discipline decision, parameter `badge_hold_months_2016`. Events before
    QĐ 29 are judged by the same periods."""
    yield from _hold_findings(draft, ctx, SOURCE_2016)


@rule(
    "badge.discipline_hold",
    title="Bị kỷ luật (kể cả khiển trách): xét tặng Huy hiệu sau 6 tháng (khiển trách), 9 tháng (cảnh cáo), 12 tháng (cách chức)",
    kinds={"award"}, source=SOURCE_2021, valid_from=params.QD24_2021, confidence="U",
)
def badge_hold_2021(draft: Draft, ctx: Context) -> Iterator[Finding]:
    """[U] Sources conflict on the QĐ 24 hold periods (a 2022 handbook still gives the QĐ 29
    wording), so this only ever warns; the periods are the parameter `badge_hold_months_2021`."""
    yield from _hold_findings(draft, ctx, SOURCE_2021)


@rule("badge.once", title="Mỗi mốc Huy hiệu Đảng chỉ tặng một lần", kinds={"award"}, source=SOURCE_2016, confidence="S")
def badge_once(draft: Draft, ctx: Context) -> Iterator[Finding]:
    years = badge_years(draft.subtype)
    if years is None or draft.person is None:
        return
    for e in ctx.history:
        if e.kind == "award" and e.subtype == draft.subtype:
            yield Finding("badge.once", Level.ERROR, MSG_TWICE.format(name=draft.person.full_name, years=years, on=format_date(e.effective_on), source=SOURCE_2016), "subtype", SOURCE_2016)
            return
