"""Admission (kết nạp) and re-admission (kết nạp lại): age, education, the waiting time and the
causes that bar a return (DOMAIN-RULES.md §1.1, §1.7).

The age is counted at the branch's admission vote: `details["voted_on"]` when the form gives it,
else the effective date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from tochuc.core.findings import Finding, Level
from tochuc.events.fold import EventData
from tochuc.lib.dates import add_months, format_date, months_between
from tochuc.lib.vntext import fold
from tochuc.rules import params
from tochuc.rules.engine import Context, Draft, rule
from tochuc.rules.params import param

SOURCE_AGE_2016 = "Quy định 29-QĐ/TW (25/7/2016), điểm 1.1"
SOURCE_AGE_2021 = "Quy định 24-QĐ/TW (30/7/2021), điểm 1.1.1"
SOURCE_OVER_60 = "Hướng dẫn 01-HD/TW (2016, 2021), điểm 1.1"
SOURCE_EDU_2016 = "Quy định 29-QĐ/TW (25/7/2016), điểm 1.2"
SOURCE_EDU_2021 = "Quy định 24-QĐ/TW (30/7/2021), điểm 1.2"
SOURCE_READMIT = "Quy định 29-QĐ/TW (2016) và 24-QĐ/TW (2021), điểm 3.2"

MSG_AGE_UNDER = (
    "Người vào Đảng phải đủ 18 tuổi (tính theo tháng) tại thời điểm chi bộ xét kết nạp: "
    "ngày sinh {birth}, ngày xét {on}, mới {years} tuổi {months} tháng ({source})"
)
MSG_AGE_OVER = (
    "Người vào Đảng trên 60 tuổi (ngày sinh {birth}, ngày xét {on}: {years} tuổi {months} tháng) "
    "chỉ được kết nạp khi có ý kiến đồng ý bằng văn bản của ban thường vụ tỉnh ủy, thành ủy "
    "trước khi quyết định ({source})"
)
MSG_EDU_UNREADABLE = "Không đọc được trình độ học vấn “{value}”: chưa kiểm tra được tiêu chuẩn học vấn ({source})"
MSG_EDU_LOW = (
    "Người vào Đảng phải có bằng tốt nghiệp trung học cơ sở{equivalent}; trình độ học vấn ghi "
    "“{value}” ({source})"
)
MSG_EDU_EQUIVALENT = (
    "Từ Quy định 24-QĐ/TW phải có bằng tốt nghiệp trung học cơ sở, không còn chấp nhận "
    "“tương đương”; trình độ học vấn ghi “{value}” ({source})"
)
MSG_EDU_EXCEPTION = (
    "Trình độ học vấn “{value}” chưa đạt tiêu chuẩn; kết nạp theo trường hợp đặc biệt "
    "(vùng cao, hải đảo, vùng đồng bào dân tộc, vùng khó khăn): “{reason}” ({source})"
)
MSG_READMIT_TWICE = "{name} đã được kết nạp lại ngày {on}: chỉ được kết nạp lại một lần ({source})"
MSG_READMIT_WAIT = (
    "Kết nạp lại phải sau ít nhất {months} tháng kể từ khi ra khỏi Đảng: ra khỏi Đảng ngày "
    "{left}, sớm nhất ngày {earliest} ({source})"
)
MSG_READMIT_WAIT_EXPUNGED = (
    "Người bị án hình sự về tội ít nghiêm trọng chỉ được kết nạp lại sau {months} tháng kể từ "
    "khi được xóa án tích: xóa án tích ngày {expunged}, sớm nhất ngày {earliest} ({source})"
)
MSG_READMIT_EXPUNGED_MISSING = (
    "Người ra khỏi Đảng vì án hình sự về tội ít nghiêm trọng: cần ghi ngày được xóa án tích "
    "(“expunged_on”) để kiểm tra thời gian chờ {months} tháng ({source})"
)
MSG_READMIT_BARRED = "Không kết nạp lại người ra khỏi Đảng ngày {left} vì: {cause} ({source})"
MSG_READMIT_CONSENT = (
    "Kết nạp lại cần ý kiến đồng ý bằng văn bản của ban thường vụ tỉnh ủy, thành ủy trước khi "
    "cấp ủy có thẩm quyền quyết định ({source})"
)

# Why someone left the Party: `details["cause"]` of the leaving event (removal, withdrawal,
# expulsion). The first five bar re-admission for ever (QĐ 29 / QĐ 24 §3.2).
LEAVING_CAUSES: dict[str, str] = {
    "self_quit": "tự bỏ sinh hoạt đảng",
    "asked_to_leave": "tự xin ra khỏi Đảng",
    "disunity": "gây mất đoàn kết nội bộ nghiêm trọng",
    "corruption": "bị kết án về tội tham nhũng",
    "serious_crime": "bị kết án về tội nghiêm trọng trở lên",
    "family_hardship": "xin ra khỏi Đảng vì hoàn cảnh gia đình đặc biệt khó khăn",
    "conviction_minor": "bị kết án về tội ít nghiêm trọng",
    "population_policy": "vi phạm chính sách dân số, kế hoạch hóa gia đình",
    "dues_unpaid": "không sinh hoạt đảng, không đóng đảng phí 3 tháng trong năm",
    "card_returned": "tự trả thẻ đảng viên, hủy thẻ đảng viên",
    "no_progress": "giảm sút ý chí, không tiến bộ sau 12 tháng giáo dục",
    "two_years_incomplete": "hai năm liền vi phạm tư cách hoặc không hoàn thành nhiệm vụ",
    "political_standard": "không bảo đảm tiêu chuẩn chính trị",
    "probation_failed": "không đủ tư cách đảng viên chính thức khi hết thời gian dự bị",
    "other": "lý do khác",
}
BARRED_CAUSES = frozenset({"self_quit", "asked_to_leave", "disunity", "corruption", "serious_crime"})
LEAVING_EVENT_KINDS = ("removal", "withdrawal")


def _name(draft: Draft) -> str:
    return draft.person.full_name if draft.person else ""


def vote_day(draft: Draft) -> dt.date:
    raw = draft.details.get("voted_on")
    if raw:
        try:
            return dt.date.fromisoformat(str(raw))
        except ValueError:
            pass
    return draft.effective_on


def _age_findings(draft: Draft, source: str, code: str) -> Iterator[Finding]:
    if draft.person is None:
        return
    birth = draft.person.birth_date
    on = vote_day(draft)
    months = months_between(birth, on)
    years, rest = divmod(max(months, 0), 12)
    values = {"birth": format_date(birth), "on": format_date(on), "years": years, "months": rest, "source": source}
    if months < param("admission_min_months"):
        yield Finding(code, Level.ERROR, MSG_AGE_UNDER.format(**values), "effective_on", source)
    elif months > param("admission_max_months"):
        # "đủ 60 tuổi" still qualifies: the limit is passed from the first month after.
        yield Finding(code + "_over_60", Level.WARNING, MSG_AGE_OVER.format(**values), "effective_on", SOURCE_OVER_60)


@rule(
    "admission.age",
    title="Tuổi vào Đảng từ đủ 18 đến đủ 60 tuổi, tính theo tháng, tại thời điểm chi bộ xét kết nạp; trên 60 tuổi cần ý kiến của ban thường vụ tỉnh ủy",
    kinds={"admission", "readmission"},
    source=SOURCE_AGE_2016,
    valid_to=params.QD24_2021,
)
def admission_age_2016(draft: Draft, ctx: Context) -> Iterator[Finding]:
    """Under 18 full years (counted in months) is an error; over 60 is a warning that names the
    provincial standing committee's written consent (HD 01-2016 §1.1). Events before QĐ 29 are
    judged by the same limits, which QĐ 45-2011 already set."""
    yield from _age_findings(draft, SOURCE_AGE_2016, "admission.age")


@rule(
    "admission.age",
    title="Tuổi vào Đảng từ đủ 18 đến đủ 60 tuổi, tính theo tháng, tại thời điểm chi bộ xét kết nạp; trên 60 tuổi cần ý kiến của ban thường vụ tỉnh ủy",
    kinds={"admission", "readmission"},
    source=SOURCE_AGE_2021,
    valid_from=params.QD24_2021,
)
def admission_age_2021(draft: Draft, ctx: Context) -> Iterator[Finding]:
    """Unchanged by QĐ 24 (and QĐ 232-2025): 18 to 60 full years counted in months."""
    yield from _age_findings(draft, SOURCE_AGE_2021, "admission.age")


# ---- education ---------------------------------------------------------------------------

_GRADE = re.compile(r"(\d{1,2})\s*/\s*(10|12)")
_ABOVE_THCS = ("thpt", "trung hoc pho thong", "pho thong trung hoc", "trung cap", "cao dang", "dai hoc",
               "cu nhan", "ky su", "thac si", "tien si", "bac si", "su pham")
_THCS = ("thcs", "trung hoc co so", "cap 2", "cap ii", "pho thong co so")
_BELOW = ("tieu hoc", "cap 1", "cap i", "mu chu", "biet doc")


def education_level(value: str) -> tuple[bool | None, bool]:
    """(has at least lower secondary, only "equivalent") from the free-text education field.

    Accepts the lý lịch notation "9/12" (grade of the 12-year system) or "7/10" (old 10-year
    system, where lower secondary ended in grade 7), and the usual words. None when unreadable.
    """
    text = fold(value)
    equivalent = "tuong duong" in text
    m = _GRADE.search(text)
    if m:
        grade, system = int(m.group(1)), int(m.group(2))
        return grade >= (9 if system == 12 else 7), equivalent
    if any(w in text for w in _ABOVE_THCS) or any(w in text for w in _THCS):
        return True, equivalent
    if any(w in text for w in _BELOW):
        return False, equivalent
    return None, equivalent


def _education_findings(draft: Draft, *, equivalent_ok: bool, source: str) -> Iterator[Finding]:
    if draft.person is None:
        return
    value = (draft.person.education or "").strip()
    code = "admission.education"
    if not value:
        return  # nothing recorded, nothing to judge; the person page shows the gap
    ok, equivalent = education_level(value)
    if ok is None:
        yield Finding(code, Level.INFO, MSG_EDU_UNREADABLE.format(value=value, source=source), "education", source)
        return
    if ok and (not equivalent or equivalent_ok):
        return
    reason = str(draft.details.get("education_exception") or "").strip()
    if reason:
        yield Finding(code + "_exception", Level.WARNING, MSG_EDU_EXCEPTION.format(value=value, reason=reason, source=source), "education", source)
    elif not ok:
        eq = " hoặc tương đương" if equivalent_ok else ""
        yield Finding(code, Level.ERROR, MSG_EDU_LOW.format(value=value, equivalent=eq, source=source), "education", source)
    else:
        yield Finding(code, Level.ERROR, MSG_EDU_EQUIVALENT.format(value=value, source=source), "education", source)


@rule(
    "admission.education",
    title="Có bằng tốt nghiệp trung học cơ sở hoặc tương đương; ngoại lệ cho vùng đặc biệt khó khăn",
    kinds={"admission", "readmission"},
    source=SOURCE_EDU_2016,
    valid_to=params.QD24_2021,
)
def admission_education_2016(draft: Draft, ctx: Context) -> Iterator[Finding]:
    """Lower secondary "or equivalent". The exceptions of the Secretariat (mountain, island,
    ethnic and hardship areas) are a warning to confirm, with the reason in
    `details["education_exception"]`. An empty education field is not judged (imports of old
    records rarely carry it); an unreadable one is info."""
    yield from _education_findings(draft, equivalent_ok=True, source=SOURCE_EDU_2016)


@rule(
    "admission.education",
    title="Có bằng tốt nghiệp trung học cơ sở (bỏ “tương đương”); ngoại lệ cho vùng đặc biệt khó khăn",
    kinds={"admission", "readmission"},
    source=SOURCE_EDU_2021,
    valid_from=params.QD24_2021,
)
def admission_education_2021(draft: Draft, ctx: Context) -> Iterator[Finding]:
    """QĐ 24 removed "or equivalent": a THCS diploma is required; exceptions kept (warning)."""
    yield from _education_findings(draft, equivalent_ok=False, source=SOURCE_EDU_2021)


# ---- re-admission ------------------------------------------------------------------------


def _before(ctx: Context, draft: Draft) -> list[EventData]:
    return [e for e in ctx.history if e.effective_on <= draft.effective_on]


@rule(
    "readmission.once",
    title="Chỉ được kết nạp lại một lần",
    kinds={"readmission"},
    source=SOURCE_READMIT,
    confidence="S",
)
def readmission_once(draft: Draft, ctx: Context) -> Iterator[Finding]:
    earlier = [e for e in _before(ctx, draft) if e.kind == "readmission"]
    if earlier:
        yield Finding(
            "readmission.once", Level.ERROR,
            MSG_READMIT_TWICE.format(name=_name(draft), on=format_date(earlier[0].effective_on), source=SOURCE_READMIT),
            "kind", SOURCE_READMIT,
        )


def _leaving_event(ctx: Context, draft: Draft) -> EventData | None:
    st = ctx.state_before
    if st is None or st.left_on is None:
        return None
    for e in reversed(_before(ctx, draft)):
        if e.effective_on == st.left_on and (
            e.kind in LEAVING_EVENT_KINDS or (e.kind == "discipline" and e.subtype == "expulsion") or e.kind == "transfer"
        ):
            return e
    return None


@rule(
    "readmission.wait",
    title="Kết nạp lại sau ít nhất 36 tháng kể từ khi ra khỏi Đảng (60 tháng sau khi xóa án tích với tội ít nghiêm trọng)",
    kinds={"readmission"},
    source=SOURCE_READMIT,
    confidence="S",
)
def readmission_wait(draft: Draft, ctx: Context) -> Iterator[Finding]:
    st = ctx.state_before
    if st is None or st.left_on is None:
        return
    leaving = _leaving_event(ctx, draft)
    cause = str(leaving.details.get("cause", "")) if leaving else ""
    if cause == "conviction_minor":
        months = param("readmission_wait_months_after_expunged")
        raw = (leaving.details.get("expunged_on") if leaving else None) or draft.details.get("expunged_on")
        if not raw:
            yield Finding("readmission.wait", Level.WARNING, MSG_READMIT_EXPUNGED_MISSING.format(months=months, source=SOURCE_READMIT), "details", SOURCE_READMIT)
            return
        expunged = dt.date.fromisoformat(str(raw))
        earliest = add_months(expunged, months)
        if draft.effective_on < earliest:
            yield Finding(
                "readmission.wait", Level.ERROR,
                MSG_READMIT_WAIT_EXPUNGED.format(months=months, expunged=format_date(expunged), earliest=format_date(earliest), source=SOURCE_READMIT),
                "effective_on", SOURCE_READMIT,
            )
        return
    months = param("readmission_wait_months")
    earliest = add_months(st.left_on, months)
    if draft.effective_on < earliest:
        yield Finding(
            "readmission.wait", Level.ERROR,
            MSG_READMIT_WAIT.format(months=months, left=format_date(st.left_on), earliest=format_date(earliest), source=SOURCE_READMIT),
            "effective_on", SOURCE_READMIT,
        )


@rule(
    "readmission.barred_cause",
    title="Không kết nạp lại người tự bỏ sinh hoạt, tự xin ra khỏi Đảng (trừ hoàn cảnh gia đình đặc biệt), gây mất đoàn kết nghiêm trọng, bị kết án về tham nhũng hoặc tội nghiêm trọng trở lên",
    kinds={"readmission"},
    source=SOURCE_READMIT,
    confidence="S",
)
def readmission_barred(draft: Draft, ctx: Context) -> Iterator[Finding]:
    """The cause is `details["cause"]` of the leaving event (see LEAVING_CAUSES). A withdrawal
    (cho ra khỏi Đảng) with no cause recorded is taken as "asked to leave", which bars a return
    unless the leaving event says `family_hardship`."""
    leaving = _leaving_event(ctx, draft)
    if leaving is None:
        return
    cause = str(leaving.details.get("cause", ""))
    if not cause and leaving.kind == "withdrawal":
        cause = "asked_to_leave"
    if cause in BARRED_CAUSES:
        yield Finding(
            "readmission.barred_cause", Level.ERROR,
            MSG_READMIT_BARRED.format(left=format_date(leaving.effective_on), cause=LEAVING_CAUSES[cause], source=SOURCE_READMIT),
            "kind", SOURCE_READMIT,
        )


@rule(
    "readmission.consent",
    title="Kết nạp lại cần ý kiến đồng ý bằng văn bản của ban thường vụ tỉnh ủy, thành ủy",
    kinds={"readmission"},
    source=SOURCE_READMIT,
    confidence="S",
)
def readmission_consent(draft: Draft, ctx: Context) -> Iterator[Finding]:
    """A reminder (info): the consent is a paper the system does not hold."""
    yield Finding("readmission.consent", Level.INFO, MSG_READMIT_CONSENT.format(source=SOURCE_READMIT), "", SOURCE_READMIT)
