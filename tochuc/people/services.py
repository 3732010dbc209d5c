"""Writing people: creation and profile edits, with validation and an audit entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from tochuc.core.findings import Finding, Level, RecordRefused
from tochuc.core.models import audit, audit_many
from tochuc.events.models import PersonState
from tochuc.events.projections import insert_rows
from tochuc.lib.cccd import check_national_id
from tochuc.lib.vntext import fold, normalize_name
from tochuc.people.models import Person, Sex
from tochuc.units.models import Unit

PROFILE_FIELDS = ("full_name", "birth_date", "sex", "ethnicity", "religion", "national_id", "hometown", "education", "profession")

MSG_CODE_EMPTY = "Thiếu mã người"
MSG_CODE_TAKEN = "Mã người {value!r} đã được dùng cho {name}"
MSG_NAME_EMPTY = "Thiếu họ và tên"
MSG_SEX = "Giới tính không hợp lệ: {value!r} (Nam hoặc Nữ)"
MSG_BIRTH_FUTURE = "Ngày sinh {value} ở tương lai"
MSG_BIRTH_OLD = "Ngày sinh {value} không hợp lý"
MSG_ID_TAKEN = "Số CCCD {value} đã thuộc về {name} ({code})"
MSG_CONFLICT = "Hồ sơ đã được người khác sửa trong lúc bạn đang sửa: hãy tải lại và sửa lại"


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def find_sex(value: str) -> str | None:
    text = (value or "").strip()
    for choice in Sex:
        if text in (choice.value, choice.label) or text.casefold() == choice.label.casefold():
            return choice.value
    return None


def check_profile(
    values: dict[str, Any], *, exclude_pk: int | None = None, taken: dict[str, tuple[str, str]] | None = None
) -> list[Finding]:
    """The findings on a profile. `taken` (ID number -> name, code), when given, answers "whose is
    this ID number" instead of a query (a batch that has read them all at once)."""
    findings: list[Finding] = []
    if not values.get("full_name"):
        findings.append(Finding("person.full_name", Level.ERROR, MSG_NAME_EMPTY, "full_name"))
    sex = values.get("sex")
    if sex not in (Sex.MALE, Sex.FEMALE):
        findings.append(Finding("person.sex", Level.ERROR, MSG_SEX.format(value=sex), "sex"))
    birth = values.get("birth_date")
    if isinstance(birth, dt.date):
        if birth > timezone.localdate():
            findings.append(Finding("person.birth_date", Level.ERROR, MSG_BIRTH_FUTURE.format(value=_fmt(birth)), "birth_date"))
        elif birth.year < 1890:
            findings.append(Finding("person.birth_date", Level.ERROR, MSG_BIRTH_OLD.format(value=_fmt(birth)), "birth_date"))
    nid = values.get("national_id") or ""
    if nid:
        for f in check_national_id(nid, birth_date=birth if isinstance(birth, dt.date) else None, sex=sex):
            code = "person.national_id.old" if len(nid) == 9 and f.level == "warning" else "person.national_id"
            findings.append(Finding(code, Level(f.level), f.message, "national_id"))
        if taken is not None:
            owner = taken.get(nid)
        else:
            other = Person.objects.filter(national_id=nid).exclude(pk=exclude_pk).first()
            owner = (other.full_name, other.code) if other is not None else None
        if owner is not None:
            findings.append(
                Finding("person.national_id_taken", Level.ERROR, MSG_ID_TAKEN.format(value=nid, name=owner[0], code=owner[1]), "national_id")
            )
    return findings


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    for key in ("full_name", "ethnicity", "religion", "hometown", "education", "profession"):
        if key in out and out[key] is not None:
            out[key] = normalize_name(str(out[key]))
    if "national_id" in out:
        out["national_id"] = (out["national_id"] or "").strip()
    if "sex" in out:
        out["sex"] = find_sex(str(out["sex"] or "")) or out["sex"]
    return out


def _raise_if_blocking(findings: list[Finding], confirm: Iterable[str]) -> None:
    confirmed = set(confirm)
    if any(f.level == Level.ERROR or (f.level == Level.WARNING and f.code not in confirmed) for f in findings):
        raise RecordRefused(findings)


@transaction.atomic
def person_create(
    *,
    by,
    code: str,
    full_name: str,
    birth_date: dt.date,
    sex: str,
    ethnicity: str = "",
    religion: str = "",
    national_id: str = "",
    hometown: str = "",
    education: str = "",
    profession: str = "",
    registered_unit: Unit | None = None,
    confirm: Iterable[str] = (),
) -> Person:
    values = _clean(
        {
            "full_name": full_name, "birth_date": birth_date, "sex": sex, "ethnicity": ethnicity,
            "religion": religion, "national_id": national_id, "hometown": hometown,
            "education": education, "profession": profession,
        }
    )
    code = (code or "").strip()
    findings = check_profile(values)
    if not code:
        findings.insert(0, Finding("person.code", Level.ERROR, MSG_CODE_EMPTY, "code"))
    else:
        other = Person.objects.filter(code=code).first()
        if other is not None:
            findings.insert(0, Finding("person.code_taken", Level.ERROR, MSG_CODE_TAKEN.format(value=code, name=other.full_name), "code"))
    _raise_if_blocking(findings, confirm)
    person = Person.objects.create(
        code=code,
        search_key=fold(values["full_name"]),
        registered_unit=registered_unit,
        created_by=by if getattr(by, "pk", None) else None,
        **values,
    )
    PersonState.objects.create(person=person, unit=registered_unit)
    audit(by=by, action="person.create", obj=person, changes={k: str(v) for k, v in values.items() if k != "national_id"})
    return person


@transaction.atomic
def person_create_many(
    *, by, rows: Sequence[dict[str, Any]], confirm_all: bool = False
) -> list[tuple[Person | None, list[Finding]]]:
    """Create many people, each judged exactly as successive `person_create` calls would judge it.

    A row holds `person_create`'s keyword arguments (without `by`). For each row, in order: the
    person if created (else None) and every finding. A row is refused when an error stands, or a
    warning neither in its `confirm` nor accepted by `confirm_all`; a refused row is not written,
    so a later row may take its code or ID number, as it could after a refused call. The codes and
    ID numbers are checked against the database in one query per batch instead of one per row,
    and the people, their PersonState rows and their audit entries (chained as `audit` chains
    them) are inserted in bulk. Used by the importer; the forms use `person_create`.
    """
    prepared = []
    for row in rows:
        row = dict(row)
        registered_unit, confirm = row.pop("registered_unit", None), set(row.pop("confirm", ()) or ())
        code = (row.pop("code", "") or "").strip()
        values = _clean({k: row.get(k, "") for k in PROFILE_FIELDS})
        prepared.append((code, values, registered_unit, confirm))
    codes = [c for c, *_ in prepared if c]
    nids = [v["national_id"] for _, v, *_ in prepared if v["national_id"]]
    taken_codes: dict[str, str] = {}
    taken_nids: dict[str, tuple[str, str]] = {}
    for start in range(0, len(codes), 900):
        taken_codes.update(Person.objects.filter(code__in=codes[start : start + 900]).values_list("code", "full_name"))
    for start in range(0, len(nids), 900):
        for nid, name, code in Person.objects.filter(national_id__in=nids[start : start + 900]).values_list("national_id", "full_name", "code"):
            taken_nids.setdefault(nid, (name, code))
    out: list[tuple[Person | None, list[Finding]]] = []
    created: list[Person] = []
    user = by if getattr(by, "pk", None) else None
    for code, values, registered_unit, confirm in prepared:
        findings = check_profile(values, taken=taken_nids)
        if not code:
            findings.insert(0, Finding("person.code", Level.ERROR, MSG_CODE_EMPTY, "code"))
        elif code in taken_codes:
            findings.insert(0, Finding("person.code_taken", Level.ERROR, MSG_CODE_TAKEN.format(value=code, name=taken_codes[code]), "code"))
        if any(f.level == Level.ERROR or (f.level == Level.WARNING and f.code not in confirm and not confirm_all) for f in findings):
            out.append((None, findings))
            continue
        person = Person(code=code, search_key=fold(values["full_name"]), registered_unit=registered_unit, created_by=user, **values)
        taken_codes[code] = values["full_name"]
        if values["national_id"]:
            taken_nids.setdefault(values["national_id"], (values["full_name"], code))
        created.append(person)
        out.append((person, findings))
    if created:
        Person.objects.bulk_create(created, batch_size=500)
        insert_rows(PersonState, [PersonState(person_id=p.pk, unit_id=p.registered_unit_id) for p in created])
        audit_many(
            by=by, action="person.create",
            entries=[(p, {k: str(getattr(p, k)) for k in PROFILE_FIELDS if k != "national_id"}) for p in created],
        )
    return out


@transaction.atomic
def person_update(*, by, person: Person, version: int, confirm: Iterable[str] = (), **changes: Any) -> Person:
    """Edit profile fields; refuses a stale form (optimistic version check, SECURITY.md F2)."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"unknown profile fields: {sorted(unknown)}")
    current = Person.objects.select_for_update().get(pk=person.pk)
    if current.version != version:
        raise RecordRefused([Finding("person.conflict", Level.ERROR, MSG_CONFLICT, "version")])
    changes = _clean(changes)
    merged = {f: getattr(current, f) for f in PROFILE_FIELDS} | changes
    _raise_if_blocking(check_profile(merged, exclude_pk=current.pk), confirm)
    diff = {f: [str(getattr(current, f)), str(v)] for f, v in changes.items() if getattr(current, f) != v}
    if not diff:
        return current
    for f, v in changes.items():
        setattr(current, f, v)
    current.search_key = fold(current.full_name)
    current.version += 1
    current.save()
    if "sex" in diff or "birth_date" in diff:
        from tochuc.events.projections import refresh_people

        refresh_people([current.pk])  # breakdown attributes are copied into membership rows
    audit(by=by, action="person.update", obj=current, changes={k: ("***" if k == "national_id" else v) for k, v in diff.items()})
    return current
