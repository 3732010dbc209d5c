from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from tochuc.core.findings import RecordRefused
from tochuc.events.models import Event, EventVoid, Membership, PersonState
from tochuc.events.services import event_record, event_void


def test_admission_opens_a_probationary_interval(tree, make_person, record):
    p = make_person()
    record(p, "admission", dt.date(2020, 1, 2), unit=tree["CT.NK.01.01"])
    rows = list(Membership.objects.filter(person=p).values_list("unit__code", "status", "valid_from", "valid_to"))
    assert rows == [("CT.NK.01.01", "probationary", dt.date(2020, 1, 2), None)]
    state = PersonState.objects.get(person=p)
    assert (state.status, state.unit.code, state.first_admitted_on) == ("probationary", "CT.NK.01.01", dt.date(2020, 1, 2))


def test_recognition_and_official_transfer_split_the_intervals(member, tree, record):
    record(member, "transfer", dt.date(2018, 3, 1), subtype="official", unit=tree["CT.NK.01.01"], to_unit=tree["CT.CR.01.01"])
    rows = list(
        Membership.objects.filter(person=member).order_by("valid_from").values_list("unit__code", "status", "valid_from", "valid_to")
    )
    assert rows == [
        ("CT.NK.01.01", "probationary", dt.date(2015, 5, 10), dt.date(2016, 5, 10)),
        ("CT.NK.01.01", "full", dt.date(2016, 5, 10), dt.date(2018, 3, 1)),
        ("CT.CR.01.01", "full", dt.date(2018, 3, 1), None),
    ]
    assert PersonState.objects.get(person=member).first_admitted_on == dt.date(2015, 5, 4)


def test_it_refuses_a_second_admission_naming_the_earlier_one(member, tree, record):
    with pytest.raises(RecordRefused) as exc:
        record(member, "admission", dt.date(2020, 1, 1), unit=tree["CT.NK.01.01"])
    assert [f.code for f in exc.value.findings] == ["status.admission_once"]
    assert "từ 10/05/2016" in exc.value.findings[0].message
    assert Event.objects.filter(person=member).count() == 2


def test_it_refuses_an_unknown_kind_and_subtype_and_writes_nothing(member, tree, record):
    before = Event.objects.count()
    with pytest.raises(RecordRefused) as exc:
        record(member, "promotion", dt.date(2020, 1, 1))
    assert exc.value.findings[0].message == "Loại sự kiện không hợp lệ: 'promotion'"
    with pytest.raises(RecordRefused) as exc:
        record(member, "transfer", dt.date(2020, 1, 1), subtype="sideways", to_unit=tree["CT.NK.01.02"])
    assert exc.value.findings[0].field == "subtype"
    assert "'sideways'" in exc.value.findings[0].message
    assert Event.objects.count() == before


def test_it_refuses_a_transfer_to_a_unit_that_did_not_exist_on_that_date(member, tree, record):
    with pytest.raises(RecordRefused) as exc:
        record(member, "transfer", dt.date(1970, 1, 1), subtype="official", to_unit=tree["CT.NK.01.02"])
    codes = [f.code for f in exc.value.findings]
    assert "unit.exists_on_date" in codes


def test_it_refuses_admission_into_a_committee_rather_than_a_branch(tree, make_person, record):
    p = make_person()
    with pytest.raises(RecordRefused) as exc:
        record(p, "admission", dt.date(2020, 1, 2), unit=tree["CT.NK.01"])
    assert [f.code for f in exc.value.findings] == ["unit.member_unit_is_branch"]


def test_no_event_for_a_person_who_has_died(member, tree, record):
    record(member, "death", dt.date(2021, 6, 1), unit=tree["CT.NK.01.01"])
    with pytest.raises(RecordRefused) as exc:
        record(member, "transfer", dt.date(2022, 1, 1), subtype="official", unit=tree["CT.NK.01.01"], to_unit=tree["CT.NK.01.02"])
    assert exc.value.findings[0].code == "status.no_event_after_leaving"
    assert "01/06/2021" in exc.value.findings[0].message


def test_a_future_date_is_refused(member, tree, record):
    with pytest.raises(RecordRefused) as exc:
        record(member, "death", dt.date(2999, 1, 1))
    assert exc.value.findings[0].code == "shape.future"


def test_voiding_appends_a_record_and_the_event_counts_nowhere(member, tree, record):
    death = record(member, "death", dt.date(2021, 6, 1), unit=tree["CT.NK.01.01"])
    assert PersonState.objects.get(person=member).status == "left"
    event_void(event=death, reason="Ghi nhầm người", by=None)
    assert EventVoid.objects.get(event=death).reason == "Ghi nhầm người"
    assert Event.objects.filter(pk=death.pk).exists()
    assert PersonState.objects.get(person=member).status == "full"
    with pytest.raises(RecordRefused):
        event_void(event=death, reason="lần nữa", by=None)


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_update_and_delete_of_events(tree, make_person):
    p = make_person()
    ev = event_record(by=None, person=p, kind="admission", effective_on=dt.date(2020, 1, 2), unit=tree["CT.NK.01.01"])
    for sql in ("UPDATE events_event SET note = 'x' WHERE id = %s", "DELETE FROM events_event WHERE id = %s"):
        with pytest.raises(Exception) as exc, transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, [ev.pk])
        assert "append-only" in str(exc.value)
    assert Event.objects.filter(pk=ev.pk, note="").exists()


def test_a_warning_blocks_until_confirmed_and_the_confirmation_is_stored(make_person, tree):
    from tochuc.core.findings import Finding, Level
    from tochuc.rules import engine

    @engine.rule("test.always_warn", title="t", kinds={"award"}, source="thử nghiệm")
    def always(draft, ctx):
        yield Finding("test.always_warn", Level.WARNING, "cảnh báo thử")

    try:
        p = make_person()
        with pytest.raises(RecordRefused) as exc:
            event_record(by=None, person=p, kind="award", subtype="medal_org_building", effective_on=dt.date(2020, 1, 1))
        assert exc.value.unconfirmed_warnings[0].code == "test.always_warn"
        ev = event_record(
            by=None, person=p, kind="award", subtype="medal_org_building", effective_on=dt.date(2020, 1, 1),
            confirm={"test.always_warn"},
        )
        assert ev.confirmed == ["test.always_warn"]
    finally:
        engine.REGISTRY.pop("test.always_warn")


def test_eventvoid_is_one_per_event(member):
    ev = Event.objects.filter(person=member).first()
    EventVoid.objects.create(event=ev, reason="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        EventVoid.objects.create(event=ev, reason="y")


def test_a_back_dated_transfer_is_judged_by_the_tree_of_its_date_not_a_later_merger(member, tree, record):
    from tochuc.units.services import unit_merge

    unit_merge(by=None, unit=tree["CT.NK.01.01"], into=tree["CT.NK.01.02"], on=dt.date(2025, 7, 1))
    # in 2020 the member was still in CT.NK.01.01: a transfer from there is right
    record(member, "transfer", dt.date(2020, 1, 1), subtype="official", unit=tree["CT.NK.01.01"], to_unit=tree["CT.CR.01.01"])
    assert PersonState.objects.get(person=member).unit.code == "CT.CR.01.01"
