"""Discipline of a party member: which forms fit the member's status (DOMAIN-RULES.md §4.1).

The effects of a discipline in time (it lapses after 12 months; it holds back the badge, planning
and appointment) are computed in `tochuc.rules.derived` and checked by the badge rules here and
the cadre rules in `tochuc.rules.cadres`.
"""

from __future__ import annotations

from collections.abc import Iterator

from tochuc.core.findings import Finding, Level
from tochuc.events.kinds import Status
from tochuc.lib.dates import format_date
from tochuc.rules.engine import Context, Draft, rule

SOURCE_FORMS = "Điều lệ Đảng, Điều 35; Quy định 30-QĐ/TW (2016), 102-QĐ/TW (2017), 69-QĐ/TW (2022)"

MSG_PROBATIONARY_FORM = (
    "Đảng viên dự bị chỉ bị kỷ luật khiển trách hoặc cảnh cáo; hình thức ghi: {form} ({source})"
)
MSG_NO_POST = (
    "Cách chức chỉ áp dụng cho đảng viên đang giữ chức vụ; {name} không giữ chức vụ nào vào "
    "ngày {on} ({source})"
)
MSG_POST_NOT_RECORDED = (
    "Chức vụ “{position}” không có trong hồ sơ cán bộ vào ngày {on}: cách chức chỉ áp dụng "
    "cho người đang giữ chức vụ ({source})"
)
FORM_LABELS = {"reprimand": "khiển trách", "warning": "cảnh cáo", "removal_from_post": "cách chức", "expulsion": "khai trừ"}


@rule(
    "discipline.form_by_status",
    title="Hình thức kỷ luật theo tư cách: dự bị chỉ khiển trách, cảnh cáo; cách chức chỉ với người đang giữ chức vụ",
    kinds={"discipline"},
    source=SOURCE_FORMS,
)
def form_by_status(draft: Draft, ctx: Context) -> Iterator[Finding]:
    """Expulsion of a probationary member is answered by `probation.struck_off_not_expelled`
    (strike off instead); posts come from the cadre decisions (fold holdings). A post named in
    the form but missing from the cadre records is a warning: party posts may predate them."""
    st = ctx.state_before
    if draft.person is None or st is None or not st.intervals or st.intervals[-1].valid_to is not None:
        return
    if st.status == Status.PROBATIONARY and draft.subtype == "removal_from_post":
        yield Finding(
            "discipline.form_by_status", Level.ERROR,
            MSG_PROBATIONARY_FORM.format(form=FORM_LABELS[draft.subtype], source=SOURCE_FORMS), "subtype", SOURCE_FORMS,
        )
        return
    if draft.subtype == "removal_from_post":
        on = draft.effective_on
        holding = [h for h in st.holdings if h.valid_from <= on and (h.valid_to is None or h.valid_to > on)]
        if not holding and draft.position:
            yield Finding(
                "discipline.post_not_recorded", Level.WARNING,
                MSG_POST_NOT_RECORDED.format(position=draft.position, on=format_date(on), source=SOURCE_FORMS), "position", SOURCE_FORMS,
            )
        elif not holding:
            yield Finding(
                "discipline.form_by_status", Level.ERROR,
                MSG_NO_POST.format(name=draft.person.full_name, on=format_date(on), source=SOURCE_FORMS), "subtype", SOURCE_FORMS,
            )
