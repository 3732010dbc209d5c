"""The fold is pure: these tests use no database."""

from __future__ import annotations

import datetime as dt

from tochuc.events.fold import EventData, Interval, fold_person

D = dt.date


def ev(i, kind, on, **kw):
    return EventData(id=i, kind=kind, effective_on=on, **kw)


def test_a_member_life_folds_into_intervals():
    f = fold_person(
        [
            ev(1, "admission", D(2010, 1, 5), unit_id=10, decided_on=D(2009, 12, 28)),
            ev(2, "recognition", D(2011, 1, 5)),
            ev(3, "transfer", D(2015, 6, 1), subtype="official", unit_id=10, to_unit_id=11),
            ev(4, "transfer", D(2016, 2, 1), subtype="temporary", unit_id=11, to_unit_id=12),
            ev(5, "exemption", D(2020, 1, 1), end_on=D(2021, 1, 1)),
            ev(6, "death", D(2023, 3, 3)),
        ]
    )
    assert f.intervals == (
        Interval(10, "probationary", D(2010, 1, 5), D(2011, 1, 5)),
        Interval(10, "full", D(2011, 1, 5), D(2015, 6, 1)),
        Interval(11, "full", D(2015, 6, 1), D(2020, 1, 1)),
        Interval(11, "exempt", D(2020, 1, 1), D(2021, 1, 1)),
        Interval(11, "full", D(2021, 1, 1), D(2023, 3, 3)),
    )
    assert (f.status, f.unit_id, f.first_admitted_on, f.left_on, f.left_reason) == ("left", 11, D(2009, 12, 28), D(2023, 3, 3), "death")
    assert f.anomalies == ()


def test_events_out_of_order_are_folded_by_date():
    f = fold_person([ev(2, "recognition", D(2011, 1, 5)), ev(1, "admission", D(2010, 1, 5), unit_id=10)])
    assert f.status == "full"


def test_events_that_do_not_apply_are_reported_as_anomalies():
    f = fold_person([ev(1, "recognition", D(2011, 1, 5)), ev(2, "admission", D(2012, 1, 1), unit_id=3), ev(3, "admission", D(2013, 1, 1), unit_id=3)])
    assert f.anomalies == (1, 3)


def test_expulsion_and_readmission():
    f = fold_person(
        [
            ev(1, "admission", D(2000, 1, 1), unit_id=1),
            ev(2, "recognition", D(2001, 1, 1)),
            ev(3, "discipline", D(2005, 1, 1), subtype="expulsion"),
            ev(4, "readmission", D(2010, 1, 1), unit_id=2),
        ]
    )
    assert f.intervals[-1] == Interval(2, "probationary", D(2010, 1, 1), None)
    assert (f.status, f.first_admitted_on, f.left_on) == ("probationary", D(2000, 1, 1), None)


def test_a_merger_continues_the_interval_in_the_unit_joined():
    f = fold_person([ev(1, "admission", D(2020, 1, 1), unit_id=5)], mergers={5: (D(2025, 7, 1), 6), 6: (D(2026, 1, 1), 7)})
    assert f.intervals == (
        Interval(5, "probationary", D(2020, 1, 1), D(2025, 7, 1)),
        Interval(6, "probationary", D(2025, 7, 1), D(2026, 1, 1)),
        Interval(7, "probationary", D(2026, 1, 1), None),
    )


def test_an_arrival_from_outside_the_system_carries_its_status():
    f = fold_person([ev(1, "transfer", D(2020, 1, 1), subtype="official", to_unit_id=4, details={"status": "full", "admitted_on": "2001-02-03"})])
    assert (f.status, f.first_admitted_on, f.recognized_on) == ("full", D(2001, 2, 3), D(2020, 1, 1))
    f = fold_person(
        [ev(1, "transfer", D(2020, 1, 1), subtype="official", to_unit_id=4, details={"admitted_on": "2001-02-03", "recognized_on": "2002-02-03"})]
    )
    assert f.recognized_on == D(2002, 2, 3)
    f = fold_person([ev(1, "transfer", D(2020, 1, 1), subtype="official", to_unit_id=4, details={"status": "probationary"})])
    assert (f.status, f.recognized_on) == ("probationary", None)


def test_posts_open_and_close_with_cadre_decisions():
    f = fold_person(
        [
            ev(1, "decision", D(2016, 1, 1), subtype="appointment", position="Trưởng phòng", unit_id=9),
            ev(2, "decision", D(2021, 1, 1), subtype="reappointment", position="Trưởng phòng", unit_id=9),
            ev(3, "decision", D(2023, 6, 1), subtype="redeployment", position="Phó Giám đốc", unit_id=9, to_unit_id=8),
            ev(4, "decision", D(2025, 1, 1), subtype="retirement"),
        ]
    )
    assert [(h.position, h.unit_id, h.valid_from, h.valid_to, h.term_ends_on) for h in f.holdings] == [
        ("Trưởng phòng", 9, D(2016, 1, 1), D(2023, 6, 1), D(2026, 1, 1)),
        ("Phó Giám đốc", 8, D(2023, 6, 1), D(2025, 1, 1), None),
    ]


def test_the_record_of_someone_who_left_follows_a_later_merger_of_their_branch():
    f = fold_person([ev(1, "admission", D(2020, 1, 1), unit_id=5), ev(2, "death", D(2021, 1, 1))], mergers={5: (D(2025, 7, 1), 6)})
    assert f.intervals == (Interval(5, "probationary", D(2020, 1, 1), D(2021, 1, 1)),)
    assert f.unit_id == 6
