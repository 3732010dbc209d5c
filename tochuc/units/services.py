"""Restructuring the tree: every change is a unit event, and versions follow from the events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction

from tochuc.core.findings import Finding, Level, RecordRefused
from tochuc.events.models import Event
from tochuc.events.projections import memberships_on, refresh_units
from tochuc.events.services import check_shape, context_for, event_record, version_picker
from tochuc.rules.engine import Draft, evaluate
from tochuc.units.models import Unit, UnitKind
from tochuc.units.selectors import children, version_on

MSG_CODE_EMPTY = "Thiếu mã đơn vị"
MSG_CODE_TAKEN = "Mã đơn vị {value!r} đã tồn tại"
MSG_CODE_CHARS = "Mã đơn vị {value!r} chỉ được gồm chữ, số, dấu chấm, gạch ngang, gạch dưới"
MSG_KIND = "Loại đơn vị không hợp lệ: {value!r}"
MSG_NAME = "Thiếu tên đơn vị"
MSG_PARENT_MISSING = "Đơn vị cấp trên {code} không tồn tại vào ngày {on}"
MSG_HAS_CHILDREN = "{name} còn {count} đơn vị trực thuộc vào ngày {on}: chuyển hoặc giải thể chúng trước"
MSG_HAS_MEMBERS = "{name} còn {count} đảng viên vào ngày {on}: chuyển sinh hoạt họ trước, hoặc dùng sáp nhập"
MSG_CYCLE = "Không thể chuyển {name} vào chính đơn vị cấp dưới của nó"
MSG_NOT_EXISTS = "Đơn vị {code} không tồn tại vào ngày {on}"


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def find_unit_kind(value: str) -> str | None:
    text = (value or "").strip()
    for choice in UnitKind:
        if text == choice.value or text.casefold() == choice.label.casefold():
            return choice.value
    return None


def _ok_code(code: str) -> bool:
    return bool(code) and all(ch.isalnum() or ch in "._-" for ch in code) and code.isascii()


@transaction.atomic
def unit_found(
    *,
    by,
    code: str,
    name: str,
    kind: str,
    founded_on: dt.date,
    parent: Unit | None = None,
    decision_no: str = "",
    decided_on: dt.date | None = None,
    decided_by: str = "",
    source: str = "web",
) -> Unit:
    code = (code or "").strip()
    findings: list[Finding] = []
    if not code:
        findings.append(Finding("unit.code", Level.ERROR, MSG_CODE_EMPTY, "code"))
    elif not _ok_code(code):
        findings.append(Finding("unit.code", Level.ERROR, MSG_CODE_CHARS.format(value=code), "code"))
    elif Unit.objects.filter(code=code).exists():
        findings.append(Finding("unit.code_taken", Level.ERROR, MSG_CODE_TAKEN.format(value=code), "code"))
    unit_kind = find_unit_kind(kind)
    if unit_kind is None:
        findings.append(Finding("unit.kind", Level.ERROR, MSG_KIND.format(value=kind), "kind"))
    if not (name or "").strip():
        findings.append(Finding("unit.name", Level.ERROR, MSG_NAME, "name"))
    if parent is not None and version_on(parent, founded_on) is None:
        findings.append(
            Finding("unit.parent", Level.ERROR, MSG_PARENT_MISSING.format(code=parent.code, on=_fmt(founded_on)), "parent_code")
        )
    if findings:
        raise RecordRefused(findings)
    unit = Unit.objects.create(code=code)
    event_record(
        by=by, kind="founding", unit=unit, to_unit=parent, effective_on=founded_on,
        decision_no=decision_no, decided_on=decided_on, decided_by=decided_by,
        details={"name": name.strip(), "unit_kind": unit_kind}, source=source,
    )
    return unit


def _require_exists(unit: Unit, on: dt.date):
    version = version_on(unit, on)
    if version is None:
        raise RecordRefused([Finding("unit.exists_on_date", Level.ERROR, MSG_NOT_EXISTS.format(code=unit.code, on=_fmt(on)), "unit")])
    return version


@transaction.atomic
def unit_rename(*, by, unit: Unit, name: str, on: dt.date, kind: str = "", **decision) -> Event:
    _require_exists(unit, on)
    details = {}
    if kind:
        unit_kind = find_unit_kind(kind)
        if unit_kind is None:
            raise RecordRefused([Finding("unit.kind", Level.ERROR, MSG_KIND.format(value=kind), "kind")])
        details["unit_kind"] = unit_kind
    return event_record(by=by, kind="rename", unit=unit, effective_on=on, note=name.strip(), details=details, **decision)


@transaction.atomic
def unit_reparent(*, by, unit: Unit, parent: Unit, on: dt.date, **decision) -> Event:
    version = _require_exists(unit, on)
    parent_version = version_on(parent, on)
    if parent_version is not None and parent_version.path.startswith(version.path):
        raise RecordRefused([Finding("unit.cycle", Level.ERROR, MSG_CYCLE.format(name=version.name), "to_unit")])
    return event_record(by=by, kind="reparent", unit=unit, to_unit=parent, effective_on=on, **decision)


@transaction.atomic
def unit_merge(*, by, unit: Unit, into: Unit, on: dt.date, **decision) -> Event:
    """The unit joins `into` on `on`: its members and its sub-units continue there."""
    version = _require_exists(unit, on)
    target = version_on(into, on)
    if target is not None and target.path.startswith(version.path):
        raise RecordRefused([Finding("unit.cycle", Level.ERROR, MSG_CYCLE.format(name=version.name), "to_unit")])
    return event_record(by=by, kind="merger", unit=unit, to_unit=into, effective_on=on, **decision)


@transaction.atomic
def unit_dissolve(*, by, unit: Unit, on: dt.date, **decision) -> Event:
    version = _require_exists(unit, on)
    findings = []
    n_children = children(unit, on=on).count()
    if n_children:
        findings.append(
            Finding("unit.has_children", Level.ERROR, MSG_HAS_CHILDREN.format(name=version.name, count=n_children, on=_fmt(on)), "unit")
        )
    n_members = memberships_on(on).filter(unit=unit).count()
    if n_members:
        findings.append(
            Finding("unit.has_members", Level.ERROR, MSG_HAS_MEMBERS.format(name=version.name, count=n_members, on=_fmt(on)), "unit")
        )
    if findings:
        raise RecordRefused(findings)
    return event_record(by=by, kind="dissolution", unit=unit, effective_on=on, **decision)


def units_bulk_found(rows: Iterable[dict], *, by) -> list[Unit]:
    """Found several units in order (parents first); each goes through `unit_found`."""
    return [unit_found(by=by, **row) for row in rows]


def unit_found_many(*, by, rows: Sequence[Mapping[str, Any]], source: str = "import") -> list[Unit | RecordRefused]:
    """Found several units, each judged exactly as `unit_found` judges it, written together.

    Each row holds `unit_found`'s keyword arguments; every `parent` must exist already (a unit
    founded by the same call cannot be the parent of another: found it in an earlier call). Returns,
    per row, the new unit or the `RecordRefused` that `unit_found` would have raised; the refused
    rows are left out and the others written: the units, their founding events, then the versions
    of the new units in one refresh (a new unit has nothing below it, so its versions depend only
    on its parent's, which this call does not change). Call it inside the caller's transaction.
    """
    taken = set(Unit.objects.filter(code__in=[(r.get("code") or "").strip() for r in rows]).values_list("code", flat=True))
    version = version_picker([r["parent"].pk for r in rows if r.get("parent") is not None])
    no_person = {"subtype": "", "person": None, "end_on": None, "position": "", "term": "", "year": None, "note": ""}
    results: list[Unit | RecordRefused] = []
    accepted: list[tuple[int, Unit, dict]] = []
    for index, row in enumerate(rows):
        code = (row.get("code") or "").strip()
        name, kind, parent, founded_on = row.get("name") or "", row.get("kind") or "", row.get("parent"), row["founded_on"]
        findings: list[Finding] = []
        if not code:
            findings.append(Finding("unit.code", Level.ERROR, MSG_CODE_EMPTY, "code"))
        elif not _ok_code(code):
            findings.append(Finding("unit.code", Level.ERROR, MSG_CODE_CHARS.format(value=code), "code"))
        elif code in taken:
            findings.append(Finding("unit.code_taken", Level.ERROR, MSG_CODE_TAKEN.format(value=code), "code"))
        unit_kind = find_unit_kind(kind)
        if unit_kind is None:
            findings.append(Finding("unit.kind", Level.ERROR, MSG_KIND.format(value=kind), "kind"))
        if not name.strip():
            findings.append(Finding("unit.name", Level.ERROR, MSG_NAME, "name"))
        if parent is not None and version(parent.pk, founded_on) is None:
            findings.append(
                Finding("unit.parent", Level.ERROR, MSG_PARENT_MISSING.format(code=parent.code, on=_fmt(founded_on)), "parent_code")
            )
        if findings:
            results.append(RecordRefused(findings))
            continue
        # the founding event, judged as `event_record` judges it (the new unit has no version yet)
        unit = Unit(code=code)
        draft_values = {
            "kind": "founding", "effective_on": founded_on, "to_unit_id": parent.pk if parent else None,
            "decision_no": row.get("decision_no", ""), "decided_on": row.get("decided_on"), "decided_by": row.get("decided_by", ""),
            "details": {"name": name.strip(), "unit_kind": unit_kind},
        }
        _subtype, findings = check_shape(
            kind="founding", effective_on=founded_on, unit=unit, to_unit=parent, **no_person
        )
        if not findings:
            draft = Draft(subtype="", unit_id=None, **draft_values)
            findings = evaluate(draft, context_for(draft, (), {}, version))
            if any(f.level in (Level.ERROR, Level.WARNING) for f in findings):
                results.append(RecordRefused(findings))
                continue
        else:
            results.append(RecordRefused(findings))
            continue
        taken.add(code)
        results.append(unit)
        accepted.append((index, unit, draft_values))
    if accepted:
        Unit.objects.bulk_create([unit for _, unit, _ in accepted])
        recorded_by = by if getattr(by, "pk", None) else None
        Event.objects.bulk_create(
            [Event(unit_id=unit.pk, source=source, recorded_by=recorded_by, confirmed=[], **values) for _, unit, values in accepted]
        )
        refresh_units([unit.pk for _, unit, _ in accepted])
    return results
