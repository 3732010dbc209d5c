"""The bulk paths the importer writes through: people in bulk, unit events in batches, and what
they leave behind (audit chain, projections equal to a rebuild from the log)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from tochuc.core.findings import Level
from tochuc.core.models import AuditEntry, verify_chain
from tochuc.events.models import Event, PersonState
from tochuc.events.services import BatchRefused, event_record, event_record_many
from tochuc.imports.importer import import_workbook
from tochuc.imports.tests.books import EVENTS_HEADER, PEOPLE_HEADER, book
from tochuc.people.models import Person
from tochuc.people.services import person_create, person_create_many


def row(code: str, name: str = "Lê Thị Lan", nid: str = "", birth: dt.date = dt.date(1990, 3, 15), sex: str = "female"):
    return {"code": code, "full_name": name, "birth_date": birth, "sex": sex, "national_id": nid}


def codes(findings):
    return [f.code for f in findings]


def test_people_in_bulk_are_judged_as_successive_person_create_calls(tree):
    person_create(by=None, code="DV001", full_name="Trần Văn Ba", birth_date=dt.date(1980, 1, 1), sex="male", national_id="092080001234")
    results = person_create_many(
        by=None,
        rows=[
            row("DV001"),  # code taken in the database
            row("DV002", nid="092080001234", sex="male", birth=dt.date(1980, 5, 5)),  # ID number taken in the database
            row("DV003", birth=dt.date(2090, 1, 1)),  # refused: its code stays free
            row("DV003", name="Phạm Thu Hà", nid="092190001235"),
            row("DV004", nid="092190001235"),  # ID number taken by the row above
            row("DV003"),  # code taken by a row of the same batch
        ],
    )
    assert [p.code if p else None for p, _ in results] == [None, None, None, "DV003", None, None]
    assert [codes(f) for _, f in results] == [
        ["person.code_taken"], ["person.national_id_taken"], ["person.birth_date"], [], ["person.national_id_taken"], ["person.code_taken"],
    ]
    assert str(results[0][1][0]) == "Mã người 'DV001' đã được dùng cho Trần Văn Ba"
    assert str(results[1][1][0]) == "Số CCCD 092080001234 đã thuộc về Trần Văn Ba (DV001)"
    assert str(results[4][1][0]) == "Số CCCD 092190001235 đã thuộc về Phạm Thu Hà (DV003)"
    assert str(results[5][1][0]) == "Mã người 'DV003' đã được dùng cho Phạm Thu Hà"
    ha = Person.objects.get(code="DV003")
    assert (ha.full_name, ha.search_key, ha.national_id) == ("Phạm Thu Hà", "pham thu ha", "092190001235")
    assert PersonState.objects.get(person=ha).status == ""
    entry = AuditEntry.objects.filter(action="person.create").order_by("-id").first()
    assert (entry.object_id, entry.changes["full_name"], "national_id" in entry.changes) == (str(ha.pk), "Phạm Thu Hà", False)


def test_a_warning_blocks_a_person_unless_confirmed_and_the_audit_chain_stays_whole(tree):
    # the ID number's century-and-sex digit says a man born in the 1900s: a warning, not an error
    odd = row("DV010", nid="001090001234")
    refused, = person_create_many(by=None, rows=[odd])
    assert refused[0] is None and {f.level for f in refused[1]} == {Level.WARNING}
    warning = refused[1][0].code
    by_row, = person_create_many(by=None, rows=[{**odd, "confirm": [warning]}])
    by_all, = person_create_many(by=None, rows=[{**odd, "code": "DV011", "national_id": "001090001235"}], confirm_all=True)
    assert by_row[0].code == "DV010" and by_all[0].code == "DV011"
    assert AuditEntry.objects.filter(action="person.create").count() == 2
    checked, broken = verify_chain()
    assert broken is None and checked == AuditEntry.objects.count()


def test_unit_events_in_a_batch_are_judged_as_event_record_judges_them(tree):
    nk = tree["CT.NK"]
    drafts = [
        {"kind": "congress", "effective_on": dt.date(2020, 7, 10), "unit": nk, "term": "2020-2025"},
        {"kind": "congress", "effective_on": dt.date(1970, 7, 10), "unit": nk, "term": "1970-1975"},  # before the unit existed
    ]
    with pytest.raises(BatchRefused) as refused:
        event_record_many(by=None, person=None, drafts=drafts)
    with pytest.raises(Exception) as alone:
        event_record(by=None, **drafts[1])
    assert [str(f) for f in refused.value.refusals[1]] == [str(f) for f in alone.value.findings]
    assert list(refused.value.refusals) == [1]
    assert Event.objects.filter(kind="congress").count() == 0
    created = event_record_many(by=None, person=None, drafts=drafts[:1])
    assert [(e.kind, e.unit_id, e.term, e.person_id) for e in created] == [("congress", nk.pk, "2020-2025", None)]


def test_unit_tree_events_are_not_batched(tree):
    with pytest.raises(ValueError):
        event_record_many(by=None, person=None, drafts=[{"kind": "rename", "effective_on": dt.date(2020, 1, 1), "unit": tree["CT.NK"], "note": "Mới"}])


def test_after_an_import_the_projections_equal_a_rebuild_from_the_log(tree, tmp_path):
    path = book(
        tmp_path / "b.xlsx",
        {
            "Người": [PEOPLE_HEADER, ["DV001", "Nguyễn Thị Hoa", "15/03/1990", "Nữ", "092190001234"], ["DV002", "Lê Văn Nam", "1985-07-02", "Nam", ""]],
            "Sự kiện": [
                [*EVENTS_HEADER, "Nhiệm kỳ"],
                ["DV001", "Kết nạp đảng viên", "", "19/05/2015", "CT.NK.01.01", "", None, "", ""],
                ["DV001", "Công nhận đảng viên chính thức", "", "19/05/2016", "CT.NK.01.01", "", None, "", ""],
                ["DV001", "Đánh giá, xếp loại chất lượng", "Hoàn thành tốt nhiệm vụ", "20/12/2019", "CT.NK.01.01", "", 2019, "", ""],
                ["DV002", "admission", "", "03/02/2010", "CT.NK.01.02", "", None, "", ""],
                ["DV002", "Chuyển sinh hoạt đảng", "Chính thức", "01/06/2018", "CT.NK.01.02", "CT.NK.01.01", None, "", ""],
                ["", "Đại hội", "", "10/07/2020", "CT.NK", "", None, "", "2020-2025"],
            ],
        },
    )
    outcome = import_workbook(path)
    assert [p.line() for p in outcome.problems] == []
    assert outcome.summary() == "Đã nhập 2 người, 6 sự kiện"
    out = io.StringIO()
    call_command("rebuild", "--check", stdout=out)
    assert "Không có khác biệt" in out.getvalue()
    checked, broken = verify_chain()
    assert broken is None and checked == AuditEntry.objects.count() >= 2


def test_the_cap_on_excellent_ratings_counts_the_ratings_written_earlier_in_the_same_import(tree, tmp_path):
    """CT.NK.01 is a grassroots committee: 5 "good" ratings allow 1 "excellent" (20%); the 2nd
    excellent rating, in another branch and another person's batch, exceeds it."""
    people = [[f"DV{i}", f"Người Thứ {i}", "15/03/1990", "Nữ", ""] for i in range(1, 8)]
    events = []
    for i in range(1, 8):
        branch = "CT.NK.01.01" if i % 2 else "CT.NK.01.02"
        events.append([f"DV{i}", "Kết nạp đảng viên", "", "19/05/2015", branch, "", None, ""])
        rating = "Hoàn thành xuất sắc nhiệm vụ" if i >= 6 else "Hoàn thành tốt nhiệm vụ"
        events.append([f"DV{i}", "Đánh giá, xếp loại chất lượng", rating, "20/12/2019", branch, "", 2019, ""])
    path = book(tmp_path / "cap.xlsx", {"Người": [PEOPLE_HEADER, *people], "Sự kiện": [EVENTS_HEADER, *events]})
    outcome = import_workbook(path)
    assert [(p.row, p.level, p.code) for p in outcome.problems] == [(15, "unconfirmed", "evaluation.excellent_cap")]
    assert outcome.problems[0].message.startswith(
        "Số đảng viên “Hoàn thành xuất sắc nhiệm vụ” năm 2019 của Đảng bộ phường Tân An là 2, vượt 20% số “Hoàn thành tốt nhiệm vụ” (5): tối đa 1"
    )
    outcome = import_workbook(path, confirm_all=True)
    assert outcome.committed
    assert list(Event.objects.filter(kind="evaluation").exclude(confirmed=[]).values_list("person__code", "confirmed")) == [
        ("DV7", ["evaluation.excellent_cap"])
    ]
