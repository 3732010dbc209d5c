"""Events of many people judged one person at a time but inserted together (`EventSink`): the
same events, ids, findings and projections as one `event_record_many` call per person."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import transaction

from tochuc.events.models import Event
from tochuc.events.services import BatchRefused, EventSink, event_record_many
from tochuc.imports import importer
from tochuc.imports.importer import import_workbook
from tochuc.imports.tests.books import EVENTS_HEADER, PEOPLE_HEADER, book
from tochuc.people.models import Person
from tochuc.units.models import Unit

HEAD = "Trưởng phòng Nội vụ quận"


def planning(tree, on=dt.date(2021, 1, 4)) -> dict:
    return {"kind": "planning", "subtype": "add", "effective_on": on, "unit": tree["CT.NK"], "position": HEAD, "term": "2020-2025"}


def rebuild_check() -> str:
    out = io.StringIO()
    call_command("rebuild", "--check", stdout=out)
    return out.getvalue()


def test_a_planning_draft_sees_the_planning_of_people_still_held_in_the_sink(tree, make_person):
    """The planning list is read from the log: three candidates held in the sink are written
    before the fourth is judged, so the fourth is refused as successive calls would refuse it."""
    from tochuc.cadres.services import planning_period_create

    planning_period_create(by=None, code="2020-2025")  # the limits are the period's
    people = [make_person(f"Ứng Viên {i}", birth_date=dt.date(1985, 1, i + 1), registered_unit=tree["CT.NK"]) for i in range(4)]
    sink = EventSink()
    with transaction.atomic():
        for p in people[:3]:
            [pending] = event_record_many(by=None, person=p, drafts=[planning(tree)], sink=sink, lock=False, history=[])
            assert pending.person_id == p.pk and not hasattr(pending, "pk")
        # the second and third planning drafts wrote the ones held before them
        assert Event.objects.filter(person__isnull=False).count() == 2 and len(sink) == 1
        with pytest.raises(BatchRefused) as refused:
            event_record_many(by=None, person=people[3], drafts=[planning(tree)], sink=sink, lock=False, history=[])
        assert [f.code for f in refused.value.refusals[0] if f.level == "warning"] == ["cadres.planning_candidates_per_post"]
        assert Event.objects.filter(person__isnull=False).count() == 3 and len(sink) == 0
        sink.flush()
    assert list(Event.objects.filter(person__isnull=False).order_by("id").values_list("person__code", "kind", "position", "source")) == [
        (p.code, "planning", HEAD, "import") for p in people[:3]
    ]


def test_in_a_batch_the_planning_list_is_read_once_and_kept_with_what_the_batch_writes(tree, make_person, monkeypatch):
    """As above, inside `judging_in_batch` (the importer's person events): the term's planning
    events are read from the log once, the ones accepted since are added to them, and the fourth
    candidate is refused as the log would refuse it; the period and the post catalogue are read
    once as well."""
    from tochuc.cadres import selectors
    from tochuc.cadres.services import planning_period_create
    from tochuc.rules.evaluation import judging_in_batch

    planning_period_create(by=None, code="2020-2025")
    people = [make_person(f"Ứng Viên {i}", birth_date=dt.date(1985, 1, i + 1), registered_unit=tree["CT.NK"]) for i in range(4)]
    reads: list[str] = []
    for name in ("load_planning_events", "period_by_code"):
        real = getattr(selectors, name)
        monkeypatch.setattr(selectors, name, lambda *a, real=real, name=name, **kw: reads.append(name) or real(*a, **kw))
    sink = EventSink()
    with transaction.atomic(), judging_in_batch():
        for p in people[:3]:
            event_record_many(by=None, person=p, drafts=[planning(tree)], sink=sink, lock=False, history=[])
        with pytest.raises(BatchRefused) as refused:
            event_record_many(by=None, person=people[3], drafts=[planning(tree)], sink=sink, lock=False, history=[])
        sink.flush()
    from tochuc.rules.cadres import MSG_TOO_MANY_CANDIDATES, SOURCE_PLANNING_BEFORE

    assert [(f.code, str(f)) for f in refused.value.refusals[0] if f.level == "warning"] == [(
        "cadres.planning_candidates_per_post",
        MSG_TOO_MANY_CANDIDATES.format(post=HEAD, count=3, term="2020-2025", name="Ứng Viên 3", limit=3, source=SOURCE_PLANNING_BEFORE),
    )]
    assert reads == ["load_planning_events", "period_by_code"]
    assert list(Event.objects.filter(person__isnull=False).order_by("id").values_list("person__code", flat=True)) == [p.code for p in people[:3]]


def test_events_held_in_a_sink_are_written_in_the_order_they_were_accepted(tree, make_person):
    """Two people whose dates interleave: ids follow acceptance (the first person's events, then
    the second's), as one call per person would give them; each person's own events in date order."""
    a, b = make_person("Người A"), make_person("Người B")
    branch = tree["CT.NK.01.01"]
    sink = EventSink()
    with transaction.atomic():
        event_record_many(by=None, person=a, sink=sink, drafts=[
            {"kind": "admission", "effective_on": dt.date(2015, 5, 19), "unit": branch},
            {"kind": "recognition", "effective_on": dt.date(2016, 5, 19), "unit": branch},
        ])
        event_record_many(by=None, person=b, sink=sink, drafts=[
            {"kind": "admission", "effective_on": dt.date(2016, 2, 3), "unit": branch},
            {"kind": "evaluation", "subtype": "good", "effective_on": dt.date(2016, 12, 20), "unit": branch, "year": 2016,
             "details": {"note": "một"}},
        ])
        sink.flush()
    rows = list(Event.objects.filter(person__isnull=False).order_by("id").values_list("person__code", "kind", "effective_on", "details", "confirmed", "recorded_at"))
    assert [r[:5] for r in rows] == [
        (a.code, "admission", dt.date(2015, 5, 19), {}, []),
        (a.code, "recognition", dt.date(2016, 5, 19), {}, []),
        (b.code, "admission", dt.date(2016, 2, 3), {}, []),
        (b.code, "evaluation", dt.date(2016, 12, 20), {"note": "một"}, []),
    ]
    assert all(r[5] is not None for r in rows)


def people_book(tmp_path, *, bad_middle: bool = False):
    people = [[f"DV{i}", f"Người Thứ {i}", "15/03/1990", "Nữ", ""] for i in range(1, 4)]
    events = []
    for i in range(1, 4):
        branch = "CT.NK.01.01" if i % 2 else "CT.NK.01.02"
        # the dates of the three people interleave
        events.append([f"DV{i}", "Kết nạp đảng viên", "", f"0{i}/05/2015", branch, "", None, ""])
        # the middle person's recognition comes before the 12 months of probation: refused by the rules
        recognized = "02/07/2015" if bad_middle and i == 2 else f"0{i}/05/2016"
        events.append([f"DV{i}", "Công nhận đảng viên chính thức", "", recognized, branch, "", None, ""])
        events.append([f"DV{i}", "Đánh giá, xếp loại chất lượng", "Hoàn thành tốt nhiệm vụ", "20/12/2016", branch, "", 2016, ""])
    return book(tmp_path / "people.xlsx", {"Người": [PEOPLE_HEADER, *people], "Sự kiện": [EVENTS_HEADER, *events]})


@pytest.fixture
def tiny_sink(monkeypatch):
    """Every person's events inserted as soon as the next person starts: flushes inside the import."""
    monkeypatch.setattr(importer, "SINK_ROWS", 1)


def test_a_refused_row_in_the_middle_of_a_batch_leaves_nothing_written(tree, tmp_path, tiny_sink):
    outcome = import_workbook(people_book(tmp_path, bad_middle=True))
    assert not outcome.committed
    assert [(p.sheet, p.row, p.level) for p in outcome.blocking] == [("events", 6, "error")]
    assert Person.objects.count() == 0 and Event.objects.filter(person__isnull=False).count() == 0


def test_a_batched_import_gives_the_projections_of_a_rebuild_and_a_second_import_changes_nothing(tree, tmp_path, tiny_sink):
    path = people_book(tmp_path)
    outcome = import_workbook(path)
    assert [p.line() for p in outcome.problems] == []
    assert outcome.summary() == "Đã nhập 3 người, 9 sự kiện"
    assert list(Event.objects.filter(person__isnull=False).order_by("id").values_list("person__code", "kind")) == [
        (f"DV{i}", kind) for i in range(1, 4) for kind in ("admission", "recognition", "evaluation")
    ]
    assert "Không có khác biệt" in rebuild_check()
    ids = list(Event.objects.order_by("id").values_list("id", flat=True))
    again = import_workbook(path)
    assert again.summary() == "Không có gì thay đổi: mọi dòng đã có trong cơ sở dữ liệu (3 người, 9 sự kiện)"
    assert list(Event.objects.order_by("id").values_list("id", flat=True)) == ids


def test_the_tiny_demo_exported_whole_imports_into_an_empty_database_and_rebuilds_clean(db, tmp_path, tiny_sink, monkeypatch):
    """The whole deployment round-trips, the 2025 reorganisation included (a district and its own
    bodies dissolved on the same day: the bodies first)."""
    from tochuc.demo import extensions
    from tochuc.demo.load import Generator
    from tochuc.imports.exporter import export_workbook, unit_scope
    from tochuc.imports.tests.test_export import empty_database, projections
    from tochuc.units.models import Unit

    # the units, people and their events; not the cadre extensions (users, selections) the
    # workbook format does not carry
    monkeypatch.setattr(extensions, "run_all", lambda context: None)
    Generator(scale="tiny", seed=1, until=dt.date(2026, 6, 30)).run()
    before = projections()
    roots = Unit.objects.filter(code="CT")
    export_workbook(unit_scope(roots.get()), f"{tmp_path}/tiny/")
    empty_database()
    outcome = import_workbook(f"{tmp_path}/tiny/", confirm_all=True)
    assert [p.line() for p in outcome.blocking] == []
    assert outcome.committed
    after = projections()

    def without_founding_decisions(rows):
        # the units sheet carries no decision of a founding (DESIGN.md §5): compare the rest
        return [r[:6] if r[2] == "founding" else r for r in rows]

    after["events"], before["events"] = map(without_founding_decisions, (after["events"], before["events"]))
    assert after == before
    assert "Không có khác biệt" in rebuild_check()


def test_units_founded_together_are_judged_as_successive_unit_found_calls(tree):
    from tochuc.core.findings import RecordRefused
    from tochuc.units.models import UnitVersion
    from tochuc.units.services import unit_found_many

    on = dt.date(2001, 2, 3)
    rows = [
        {"code": "CT.NK.03", "name": " Chi bộ Mới ", "kind": "grassroots_branch", "founded_on": on, "parent": tree["CT.NK"]},
        {"code": "CT.NK", "name": "Trùng mã", "kind": "branch", "founded_on": on, "parent": tree["CT"]},
        {"code": "CT.NK.04", "name": "Chi bộ Sớm", "kind": "branch", "founded_on": dt.date(1970, 1, 1), "parent": tree["CT.NK"]},
        {"code": "CT NK 05", "name": "", "kind": "hội", "founded_on": on, "parent": None},
        {"code": "CT.CR.02", "name": "Chi bộ Mới", "kind": "branch", "founded_on": on, "parent": tree["CT.CR"]},
    ]
    results = unit_found_many(by=None, rows=rows)
    refused = {i: [(f.code, f.field) for f in r.findings] for i, r in enumerate(results) if isinstance(r, RecordRefused)}
    assert refused == {
        1: [("unit.code_taken", "code")],
        2: [("unit.parent", "parent_code")],
        3: [("unit.code", "code"), ("unit.kind", "kind"), ("unit.name", "name")],
    }
    assert str(results[2].findings[0]) == "Đơn vị cấp trên CT.NK không tồn tại vào ngày 01/01/1970"
    assert [results[0].code, results[4].code] == ["CT.NK.03", "CT.CR.02"]
    assert list(
        UnitVersion.objects.filter(unit__code__in=["CT.NK.03", "CT.CR.02"]).order_by("unit__code").values_list(
            "unit__code", "name", "kind", "parent__code", "depth", "valid_from", "valid_to"
        )
    ) == [
        ("CT.CR.02", "Chi bộ Mới", "branch", "CT.CR", 2, on, None),
        ("CT.NK.03", "Chi bộ Mới", "grassroots_branch", "CT.NK", 2, on, None),
    ]
    assert list(Event.objects.filter(kind="founding", unit__code__in=["CT.NK.03", "CT.CR.02"]).order_by("id").values_list(
        "unit__code", "to_unit__code", "effective_on", "details", "source"
    )) == [
        ("CT.NK.03", "CT.NK", on, {"name": "Chi bộ Mới", "unit_kind": "grassroots_branch"}, "import"),
        ("CT.CR.02", "CT.CR", on, {"name": "Chi bộ Mới", "unit_kind": "branch"}, "import"),
    ]
    assert "Không có khác biệt" in rebuild_check()


def test_the_cap_counts_the_ratings_stored_before_the_import_with_those_it_writes(tree, tmp_path, make_person, record, tiny_sink):
    """Five "good" ratings of 2019 already recorded in CT.NK.01 allow one "excellent": of two
    imported excellent ratings (different people, different batches), the second exceeds it."""
    for i in range(5):
        p = make_person(f"Đã Có {i}", code=f"OLD{i}")
        record(p, "admission", dt.date(2015, 5, 19), unit=tree["CT.NK.01.02"])
        record(p, "evaluation", dt.date(2019, 12, 20), subtype="good", unit=tree["CT.NK.01.02"], year=2019)
    people = [[f"DV{i}", f"Người Thứ {i}", "15/03/1990", "Nữ", ""] for i in (1, 2)]
    events = []
    for i in (1, 2):
        events.append([f"DV{i}", "Kết nạp đảng viên", "", "19/05/2015", "CT.NK.01.01", "", None, ""])
        events.append([f"DV{i}", "Đánh giá, xếp loại chất lượng", "Hoàn thành xuất sắc nhiệm vụ", "20/12/2019", "CT.NK.01.01", "", 2019, ""])
    path = book(tmp_path / "cap.xlsx", {"Người": [PEOPLE_HEADER, *people], "Sự kiện": [EVENTS_HEADER, *events]})
    outcome = import_workbook(path)
    assert [(p.row, p.level, p.code) for p in outcome.problems] == [(5, "unconfirmed", "evaluation.excellent_cap")]
    assert "là 2, vượt 20% số “Hoàn thành tốt nhiệm vụ” (5): tối đa 1" in outcome.problems[0].message


def test_a_large_import_ends_by_refreshing_the_planner_statistics_and_a_dry_run_does_not(tree, tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(importer, "ANALYZE_AFTER_ROWS", 12)
    monkeypatch.setattr(importer, "analyze", lambda: calls.append("analyze"))
    path = people_book(tmp_path)  # 3 people and 9 events: 12 rows
    assert import_workbook(path, dry_run=True).summary() == "Kiểm tra thử, chưa ghi gì: sẽ nhập 3 người, 9 sự kiện"
    assert calls == []
    assert import_workbook(path).committed
    assert calls == ["analyze"]
    assert import_workbook(path).summary().startswith("Không có gì thay đổi")  # no statistics to refresh
    assert calls == ["analyze"]


@pytest.mark.parametrize("day", [dt.date(2016, 6, 1), dt.date(2019, 12, 31), dt.date(2020, 1, 1), dt.date(2022, 3, 1)])
def test_the_mergers_of_a_batch_give_the_context_a_plain_dict_gives(day):
    """Branch 11 merges into 12 on 01/01/2020 and 12 into 13 on 01/01/2021 (a chain); branch 14
    merges on 01/01/2024, which no member here touches. Before, on and after the merger dates,
    the state before the draft and the state after the whole history are the plain ones."""
    from types import SimpleNamespace

    from tochuc.events.fold import EventData
    from tochuc.events.services import MergersByDay, context_for
    from tochuc.rules.engine import Draft

    plain = {11: (dt.date(2020, 1, 1), 12), 12: (dt.date(2021, 1, 1), 13), 14: (dt.date(2024, 1, 1), 15)}
    history = [
        EventData(id=1, kind="admission", effective_on=dt.date(2015, 5, 19), unit_id=11),
        EventData(id=2, kind="recognition", effective_on=dt.date(2016, 5, 19), unit_id=11),
    ]
    later = [*history, EventData(id=3, kind="evaluation", subtype="good", effective_on=dt.date(2023, 12, 20), unit_id=13, year=2023)]
    person = SimpleNamespace(pk=7)
    draft = Draft(kind="evaluation", subtype="good", effective_on=day, person=person, unit_id=11, year=day.year)
    batch = MergersByDay(plain)
    for events in (history, [e for e in later if e.effective_on <= day], later):
        assert context_for(draft, events, batch, lambda u, d: None) == context_for(draft, events, plain, lambda u, d: None)


def test_a_unit_event_dated_before_its_unit_is_founded_in_the_file_is_refused_not_dropped(tree, tmp_path):
    """The benchmark city's export moves a grassroots committee into a district on 10/12/1975,
    before either was founded: the row was skipped without a word and the import committed."""
    path = book(
        tmp_path / "early.xlsx",
        {
            "units": [
                ["code", "name", "kind", "parent_code", "founded_on"],
                ["CT.TL", "Đảng bộ huyện Thới Lai", "district", "CT", "24/12/2008"],
                ["CT.TL.004", "Đảng bộ xã Xuân Thắng", "grassroots_committee", "CT.NK", "13/09/1976"],
            ],
            "events": [
                EVENTS_HEADER,
                ["", "Chuyển trực thuộc", "", "10/12/1975", "CT.TL.004", "CT.TL", None, ""],
            ],
        },
    )
    outcome = import_workbook(path)
    assert [p.line() for p in outcome.problems] == [
        "Lỗi: Trang Sự kiện, dòng 2, cột Mã đơn vị [CT.TL.004]: Đơn vị CT.TL.004 không tồn tại vào ngày 10/12/1975",
        "Lỗi: Trang Sự kiện, dòng 2, cột Mã đơn vị đến [CT.TL]: Đơn vị CT.TL không tồn tại vào ngày 10/12/1975",
    ]
    assert not outcome.committed
    assert not Unit.objects.filter(code__startswith="CT.TL").exists()
