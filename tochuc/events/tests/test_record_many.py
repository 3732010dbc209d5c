"""`event_record_many`: a batch judged exactly as successive `event_record` calls, written at once."""

from __future__ import annotations

import datetime as dt

import pytest

from tochuc.events.models import Event, Membership, PersonState
from tochuc.events.services import BatchRefused, event_record_many


def test_each_draft_is_judged_against_the_history_and_the_drafts_before_it(tree, make_person):
    person = make_person()
    unit = tree["CT.NK.01.01"]
    events = event_record_many(
        by=None,
        person=person,
        drafts=[
            {"kind": "admission", "effective_on": dt.date(2015, 5, 10), "unit": unit},
            # a recognition is only valid for a probationary member: the admission above makes it so
            {"kind": "recognition", "effective_on": dt.date(2016, 5, 10), "unit": unit},
            {"kind": "transfer", "subtype": "official", "effective_on": dt.date(2018, 1, 2), "unit": unit, "to_unit": tree["CT.NK.01.02"]},
        ],
    )
    assert [(e.kind, e.source) for e in events] == [("admission", "import"), ("recognition", "import"), ("transfer", "import")]
    assert all(e.pk for e in events)
    assert PersonState.objects.get(person=person).status == "full"
    assert list(Membership.objects.filter(person=person).order_by("valid_from").values_list("unit__code", "status", "valid_to")) == [
        ("CT.NK.01.01", "probationary", dt.date(2016, 5, 10)),
        ("CT.NK.01.01", "full", dt.date(2018, 1, 2)),
        ("CT.NK.01.02", "full", None),
    ]


def test_a_refused_draft_writes_nothing_and_later_drafts_are_judged_without_it(tree, make_person, record):
    person = make_person()
    unit = tree["CT.NK.01.01"]
    record(person, "admission", dt.date(2015, 5, 10), unit=unit)
    with pytest.raises(BatchRefused) as refused:
        event_record_many(
            by=None,
            person=person,
            drafts=[
                {"kind": "admission", "effective_on": dt.date(2016, 1, 1), "unit": unit},  # already a member
                {"kind": "recognition", "effective_on": dt.date(2016, 5, 10), "unit": unit},
                {"kind": "recognition", "effective_on": dt.date(2017, 5, 10), "unit": unit},  # no longer probationary
                {"kind": "evaluation", "subtype": "nonsense", "effective_on": dt.date(2017, 12, 1), "unit": unit, "year": 2017},
            ],
        )
    assert sorted(refused.value.refusals) == [0, 2, 3]
    assert [f.code for f in refused.value.refusals[0]] == ["status.admission_once"]
    assert [f.code for f in refused.value.refusals[3]] == ["shape.subtype"]
    assert Event.objects.filter(person=person).count() == 1


def test_a_batch_gives_the_same_findings_as_one_call_at_a_time(tree, make_person, record):
    from tochuc.core.findings import RecordRefused

    unit = tree["CT.NK.01.01"]
    drafts = [
        {"kind": "admission", "effective_on": dt.date(2015, 5, 10), "unit": unit},
        {"kind": "death", "effective_on": dt.date(2019, 1, 1), "unit": unit},
        {"kind": "transfer", "subtype": "official", "effective_on": dt.date(2020, 1, 2), "unit": unit, "to_unit": tree["CT.NK.01.02"]},
    ]
    one = make_person(code="ONE")
    sequential = []
    for d in drafts:
        try:
            record(one, d["kind"], d["effective_on"], **{k: v for k, v in d.items() if k not in ("kind", "effective_on")})
            sequential.append([])
        except RecordRefused as exc:
            sequential.append([f.code for f in exc.findings])
    many = make_person(code="MANY")
    with pytest.raises(BatchRefused) as refused:
        event_record_many(by=None, person=many, drafts=drafts)
    assert [[f.code for f in refused.value.refusals.get(i, [])] for i in range(3)] == sequential
    assert sequential[2] == ["status.no_event_after_leaving"]


def test_warnings_need_the_draft_to_confirm_them(tree, make_person, monkeypatch):
    from tochuc.core.findings import Finding, Level
    from tochuc.rules import engine

    def warn(draft, ctx):
        yield Finding("test.warning", Level.WARNING, "Cảnh báo thử", "kind")

    monkeypatch.setitem(engine.REGISTRY, "test.warning", engine.Rule("test.warning", "thử", frozenset({"training"}), "", None, None, warn))
    person = make_person()
    draft = {"kind": "training", "subtype": "professional", "effective_on": dt.date(2020, 1, 1), "unit": tree["CT.NK.01"]}
    with pytest.raises(BatchRefused) as refused:
        event_record_many(by=None, person=person, drafts=[draft])
    assert [f.code for f in refused.value.refusals[0]] == ["test.warning"]
    [event] = event_record_many(by=None, person=person, drafts=[{**draft, "confirm": {"test.warning"}}])
    assert event.confirmed == ["test.warning"]


def test_rules_that_read_the_log_see_the_drafts_accepted_before(tree, make_person, record):
    # evaluation.once_per_year queries the stored ratings: the first draft must already be there
    person = make_person()
    unit = tree["CT.NK.01.01"]
    record(person, "admission", dt.date(2015, 5, 10), unit=unit)
    rating = {"kind": "evaluation", "subtype": "good", "unit": unit, "year": 2016}
    with pytest.raises(BatchRefused) as refused:
        event_record_many(by=None, person=person, drafts=[{**rating, "effective_on": dt.date(2016, 12, 1)}, {**rating, "effective_on": dt.date(2016, 12, 20)}])
    assert list(refused.value.refusals) == [1]
    assert "evaluation.once_per_year" in [f.code for f in refused.value.refusals[1]]
    assert not Event.objects.filter(kind="evaluation").exists()
