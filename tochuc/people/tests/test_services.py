from __future__ import annotations

import datetime as dt

import pytest

from tochuc.core.findings import RecordRefused
from tochuc.core.models import AuditEntry
from tochuc.people.models import Person
from tochuc.people.services import person_create, person_update


def test_a_person_is_stored_nfc_with_a_folded_search_key(db):
    p = person_create(by=None, code="A1", full_name="  Tra\u0302\u0300n   Quốc Trung ", birth_date=dt.date(1990, 3, 15), sex="Nam")
    assert (p.full_name, p.search_key, p.sex) == ("Trần Quốc Trung", "tran quoc trung", "male")
    assert AuditEntry.objects.filter(action="person.create", object_id=str(p.pk)).count() == 1


def test_every_bad_field_is_named_and_nothing_is_written(db):
    with pytest.raises(RecordRefused) as exc:
        person_create(by=None, code="", full_name="", birth_date=dt.date(2999, 1, 1), sex="x", national_id="12ab")
    assert [(f.field, f.message) for f in exc.value.findings] == [
        ("code", "Thiếu mã người"),
        ("full_name", "Thiếu họ và tên"),
        ("sex", "Giới tính không hợp lệ: 'x' (Nam hoặc Nữ)"),
        ("birth_date", "Ngày sinh 01/01/2999 ở tương lai"),
        ("national_id", "Số CCCD phải gồm đúng 12 chữ số (hoặc 9 chữ số với CMND cũ), nhận được '12ab'"),
    ]
    assert Person.objects.count() == 0


def test_a_national_id_belongs_to_one_person_only(db):
    person_create(by=None, code="A1", full_name="Lê Văn A", birth_date=dt.date(1990, 1, 1), sex="male", national_id="092090000001")
    with pytest.raises(RecordRefused) as exc:
        person_create(by=None, code="A2", full_name="Lê Văn B", birth_date=dt.date(1990, 1, 1), sex="male", national_id="092090000001")
    assert exc.value.findings[0].message == "Số CCCD 092090000001 đã thuộc về Lê Văn A (A1)"


def test_an_old_cmnd_needs_confirmation(db):
    kwargs = dict(by=None, code="A1", full_name="Lê Văn A", birth_date=dt.date(1960, 1, 1), sex="male", national_id="361234567")
    with pytest.raises(RecordRefused) as exc:
        person_create(**kwargs)
    assert exc.value.unconfirmed_warnings[0].code == "person.national_id.old"
    assert person_create(**kwargs, confirm={"person.national_id.old"}).national_id == "361234567"


def test_a_stale_edit_is_refused_and_the_first_change_survives(db):
    p = person_create(by=None, code="A1", full_name="Lê Văn A", birth_date=dt.date(1990, 1, 1), sex="male")
    person_update(by=None, person=p, version=1, hometown="Cần Thơ")
    with pytest.raises(RecordRefused) as exc:
        person_update(by=None, person=p, version=1, hometown="Hậu Giang")
    assert exc.value.findings[0].code == "person.conflict"
    p.refresh_from_db()
    assert (p.hometown, p.version) == ("Cần Thơ", 2)
    assert AuditEntry.objects.get(action="person.update").changes == {"hometown": ["", "Cần Thơ"]}
