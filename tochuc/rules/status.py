"""Status transitions: what can happen to a person given their membership state on the date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from tochuc.core.findings import Finding, Level
from tochuc.events.kinds import STATUS_LABELS, Status
from tochuc.rules.engine import Context, Draft, rule
from tochuc.units.models import MEMBER_UNIT_KINDS
from tochuc.units.selectors import version_on

CHARTER = "Điều lệ Đảng; Quy định 29-QĐ/TW (2016), 24-QĐ/TW (2021)"

MSG_ALREADY_MEMBER = "{name} đang là đảng viên {status} từ {since}: không thể kết nạp lần nữa"
MSG_ADMITTED_LATER = (
    "{name} đã được kết nạp ngày {on}, sau ngày hiệu lực này: mỗi người chỉ được kết nạp một lần "
    "(nếu ngày đã ghi sai, hủy sự kiện đó rồi ghi lại)"
)
MSG_ADMITTED_BEFORE = "{name} đã được kết nạp ngày {on}: người đã ra khỏi Đảng chỉ có thể được kết nạp lại (loại sự kiện “Kết nạp lại”)"
MSG_READMIT_NEVER = "{name} chưa từng được kết nạp: không thể kết nạp lại"
MSG_NOT_MEMBER = "{name} không phải là đảng viên vào ngày {on}: không thể ghi nhận “{kind}”"
MSG_LEFT = "{name} đã ra khỏi Đảng ngày {on} ({reason}): không thể ghi nhận sự kiện sau ngày đó"
MSG_NOT_PROBATIONARY = "{name} không phải đảng viên dự bị vào ngày {on}: không thể công nhận chính thức"
MSG_UNIT_MISSING = "Đơn vị {code} không tồn tại vào ngày {on}"
MSG_NOT_BRANCH = "Đảng viên sinh hoạt ở chi bộ: {name} ({kind}) không phải là chi bộ"
MSG_SAME_UNIT = "Đơn vị đến trùng với đơn vị đang sinh hoạt ({name})"
MSG_TRANSFER_FROM = "{name} không sinh hoạt ở {unit} vào ngày {on}"

LEFT_REASONS = {
    "removal": "xóa tên",
    "withdrawal": "ra khỏi Đảng",
    "death": "từ trần",
    "expulsion": "khai trừ",
    "transferred_out": "chuyển sinh hoạt ra ngoài hệ thống",
}


def _fmt(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _name(draft: Draft) -> str:
    return draft.person.full_name if draft.person else ""


def _open_status(ctx: Context) -> str:
    st = ctx.state_before
    if st is None or not st.intervals or st.intervals[-1].valid_to is not None:
        return ""
    return st.intervals[-1].status


@rule(
    "status.admission_once",
    title="Mỗi người chỉ được kết nạp một lần; người đã ra khỏi Đảng chỉ có thể được kết nạp lại",
    kinds={"admission"},
    source=CHARTER,
)
def admission_once(draft: Draft, ctx: Context) -> Iterator[Finding]:
    status = _open_status(ctx)
    if status:
        yield Finding(
            "status.admission_once",
            Level.ERROR,
            MSG_ALREADY_MEMBER.format(name=_name(draft), status=STATUS_LABELS.get(status, status).lower(), since=_fmt(ctx.state_before.intervals[-1].valid_from)),
            "kind",
        )
        return
    earlier = [e for e in ctx.history if e.kind in ("admission", "readmission")]
    if earlier:
        msg = MSG_ADMITTED_LATER if earlier[0].effective_on > draft.effective_on else MSG_ADMITTED_BEFORE
        yield Finding(
            "status.admission_once",
            Level.ERROR,
            msg.format(name=_name(draft), on=_fmt(earlier[0].effective_on)),
            "kind",
        )


@rule(
    "status.readmission_needs_past",
    title="Chỉ kết nạp lại người đã từng là đảng viên và hiện không còn trong Đảng",
    kinds={"readmission"},
    source=CHARTER,
)
def readmission_needs_past(draft: Draft, ctx: Context) -> Iterator[Finding]:
    status = _open_status(ctx)
    if status:
        yield Finding(
            "status.readmission_needs_past",
            Level.ERROR,
            MSG_ALREADY_MEMBER.format(name=_name(draft), status=STATUS_LABELS.get(status, status).lower(), since=_fmt(ctx.state_before.intervals[-1].valid_from)),
            "kind",
        )
    elif not any(e.kind in ("admission", "readmission", "transfer") for e in ctx.history):
        yield Finding("status.readmission_needs_past", Level.ERROR, MSG_READMIT_NEVER.format(name=_name(draft)), "kind")


@rule(
    "status.member_required",
    title="Các sự kiện về sinh hoạt đảng chỉ ghi cho người đang là đảng viên vào ngày hiệu lực",
    kinds={"recognition", "exemption", "removal", "withdrawal", "discipline", "evaluation"},
    source=CHARTER,
)
def member_required(draft: Draft, ctx: Context) -> Iterator[Finding]:
    if draft.person is None:
        return
    if _open_status(ctx):
        return
    st = ctx.state_before
    if st is not None and st.left_on is not None:
        yield Finding(
            "status.member_required",
            Level.ERROR,
            MSG_LEFT.format(name=_name(draft), on=_fmt(st.left_on), reason=LEFT_REASONS.get(st.left_reason, st.left_reason)),
            "effective_on",
        )
    else:
        from tochuc.events.kinds import kind_label

        yield Finding(
            "status.member_required",
            Level.ERROR,
            MSG_NOT_MEMBER.format(name=_name(draft), on=_fmt(draft.effective_on), kind=kind_label(draft.kind)),
            "effective_on",
        )


@rule(
    "status.recognition_probationary",
    title="Chỉ công nhận chính thức đảng viên đang dự bị",
    kinds={"recognition"},
    source=CHARTER,
)
def recognition_probationary(draft: Draft, ctx: Context) -> Iterator[Finding]:
    status = _open_status(ctx)
    if status and status != Status.PROBATIONARY:
        yield Finding(
            "status.recognition_probationary",
            Level.ERROR,
            MSG_NOT_PROBATIONARY.format(name=_name(draft), on=_fmt(draft.effective_on)),
            "kind",
        )


@rule(
    "status.no_event_after_leaving",
    title="Không ghi sự kiện sau khi đảng viên từ trần (trừ truy tặng), không chuyển sinh hoạt người đã ra khỏi Đảng",
    kinds={"transfer", "decision", "planning", "training", "exam", "death"},
    source=CHARTER,
)
def no_event_after_leaving(draft: Draft, ctx: Context) -> Iterator[Finding]:
    st = ctx.state_before
    if st is None or _open_status(ctx) or st.left_on is None:
        return
    arriving = draft.kind == "transfer" and draft.unit_id is None
    if st.left_reason == "death" or (draft.kind == "transfer" and not arriving):
        yield Finding(
            "status.no_event_after_leaving",
            Level.ERROR,
            MSG_LEFT.format(name=_name(draft), on=_fmt(st.left_on), reason=LEFT_REASONS.get(st.left_reason, st.left_reason)),
            "effective_on",
        )


@rule(
    "unit.exists_on_date",
    title="Đơn vị của sự kiện phải tồn tại vào ngày hiệu lực",
    kinds=set(),
    source="Lịch sử cây tổ chức",
)
def unit_exists(draft: Draft, ctx: Context) -> Iterator[Finding]:
    from tochuc.units.models import Unit

    for field, unit_id, version in (("unit", draft.unit_id, ctx.unit), ("to_unit", draft.to_unit_id, ctx.to_unit)):
        if unit_id is None or version is not None:
            continue
        if draft.kind == "founding" and field == "unit":
            continue
        code = Unit.objects.filter(pk=unit_id).values_list("code", flat=True).first()
        yield Finding("unit.exists_on_date", Level.ERROR, MSG_UNIT_MISSING.format(code=code, on=_fmt(draft.effective_on)), field)


@rule(
    "unit.member_unit_is_branch",
    title="Kết nạp và chuyển sinh hoạt chính thức vào một chi bộ",
    kinds={"admission", "readmission", "transfer"},
    source=CHARTER,
)
def member_unit_is_branch(draft: Draft, ctx: Context) -> Iterator[Finding]:
    target = ctx.unit if draft.kind in ("admission", "readmission") else ctx.to_unit
    field = "unit" if draft.kind in ("admission", "readmission") else "to_unit"
    if target is not None and target.kind not in MEMBER_UNIT_KINDS:
        yield Finding(
            "unit.member_unit_is_branch",
            Level.ERROR,
            MSG_NOT_BRANCH.format(name=target.name, kind=target.get_kind_display()),
            field,
        )


@rule(
    "transfer.from_current_unit",
    title="Chuyển sinh hoạt từ chi bộ đảng viên đang sinh hoạt",
    kinds={"transfer"},
    source=CHARTER,
)
def transfer_from_current(draft: Draft, ctx: Context) -> Iterator[Finding]:
    if draft.subtype != "official" or draft.person is None:
        return
    st = ctx.state_before
    current = st.intervals[-1].unit_id if st and st.intervals and st.intervals[-1].valid_to is None else None
    if current is None:
        return
    if draft.unit_id is not None and draft.unit_id != current:
        v = version_on(draft.unit_id, draft.effective_on)
        yield Finding(
            "transfer.from_current_unit",
            Level.ERROR,
            MSG_TRANSFER_FROM.format(name=_name(draft), unit=v.name if v else draft.unit_id, on=_fmt(draft.effective_on)),
            "unit",
        )
    if draft.to_unit_id is not None and draft.to_unit_id == current:
        yield Finding("transfer.same_unit", Level.ERROR, MSG_SAME_UNIT.format(name=ctx.to_unit.name if ctx.to_unit else ""), "to_unit")


SOURCE_TEMPORARY = "Quy định 29-QĐ/TW (2016) và 24-QĐ/TW (2021), điểm 6.3"
MSG_TEMPORARY_END = "Chuyển sinh hoạt tạm thời cần ngày kết thúc (ngày trở về chi bộ chính thức) ({source})"
MSG_TEMPORARY_LENGTH = (
    "Chuyển sinh hoạt tạm thời từ {start} đến {end} ({months} tháng): quy định cho thời gian từ "
    "{min} tháng đến dưới {max} tháng ({source})"
)
MSG_TEMPORARY_DEST = "Chuyển sinh hoạt tạm thời cần đơn vị đến (nơi sinh hoạt tạm thời) ({source})"


@rule(
    "transfer.temporary_period",
    title="Chuyển sinh hoạt tạm thời từ 3 tháng đến dưới 1 năm (đi học đến 2 năm), có ngày trở về",
    kinds={"transfer"},
    source=SOURCE_TEMPORARY,
    confidence="S",
)
def temporary_period(draft: Draft, ctx: Context) -> Iterator[Finding]:
    """Warnings only: the period drives the "should have returned" line of the due list, and
    the temporary member is still counted at the home branch whatever the length. Study
    (`details["reason"] == "study"`) allows up to 24 months. The return is recorded as a
    temporary transfer back with `details["return_of"]` = the outgoing event's id."""
    from tochuc.lib.dates import months_between
    from tochuc.rules.params import param

    if draft.subtype != "temporary" or draft.details.get("return_of"):
        return  # a return to the home branch ends the period; it has none of its own
    if draft.to_unit_id is None:
        yield Finding("transfer.temporary_period", Level.ERROR, MSG_TEMPORARY_DEST.format(source=SOURCE_TEMPORARY), "to_unit", SOURCE_TEMPORARY)
    if draft.end_on is None:
        yield Finding("transfer.temporary_period", Level.WARNING, MSG_TEMPORARY_END.format(source=SOURCE_TEMPORARY), "end_on", SOURCE_TEMPORARY)
        return
    months = months_between(draft.effective_on, draft.end_on)
    low = param("temporary_transfer_min_months")
    high = param("temporary_transfer_max_months_study" if draft.details.get("reason") == "study" else "temporary_transfer_max_months")
    if months < low or months >= high:
        yield Finding(
            "transfer.temporary_period", Level.WARNING,
            MSG_TEMPORARY_LENGTH.format(start=_fmt(draft.effective_on), end=_fmt(draft.end_on), months=months, min=low, max=high, source=SOURCE_TEMPORARY),
            "end_on", SOURCE_TEMPORARY,
        )


MSG_ALREADY_EXEMPT = "{name} đang được miễn công tác và sinh hoạt đảng từ {since}: không thể miễn lần nữa"
MSG_TRANSFER_NOT_MEMBER = "{name} không phải là đảng viên đang sinh hoạt vào ngày {on}: không thể chuyển sinh hoạt từ một chi bộ"


@rule(
    "status.exemption_once",
    title="Không miễn công tác và sinh hoạt đảng cho người đang được miễn",
    kinds={"exemption"},
    source=CHARTER,
)
def exemption_once(draft: Draft, ctx: Context) -> Iterator[Finding]:
    if _open_status(ctx) == Status.EXEMPT:
        yield Finding(
            "status.exemption_once", Level.ERROR,
            MSG_ALREADY_EXEMPT.format(name=_name(draft), since=_fmt(ctx.state_before.intervals[-1].valid_from)), "kind",
        )


@rule(
    "status.transfer_member",
    title="Chỉ chuyển sinh hoạt (chính thức từ một chi bộ, hoặc tạm thời) cho người đang là đảng viên",
    kinds={"transfer"},
    source=CHARTER,
)
def transfer_member(draft: Draft, ctx: Context) -> Iterator[Finding]:
    """An arrival from outside the system (no unit from) is the one transfer a non-member may have."""
    if draft.person is None or _open_status(ctx):
        return
    st = ctx.state_before
    if st is not None and st.left_on is not None:
        return  # status.no_event_after_leaving says why
    if draft.subtype == "temporary" or draft.unit_id is not None:
        yield Finding(
            "status.transfer_member", Level.ERROR,
            MSG_TRANSFER_NOT_MEMBER.format(name=_name(draft), on=_fmt(draft.effective_on)), "unit",
        )
