"""Export: the import format, neutralised against formulas, logged; and the round trip."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from openpyxl import load_workbook

from tochuc.accounts.models import AccessLog
from tochuc.accounts.scoping import scope_for
from tochuc.core import appendonly
from tochuc.events.models import Event, EventVoid, Membership, PersonState, PositionHolding
from tochuc.events.services import event_void
from tochuc.imports.exporter import export_workbook, unit_scope
from tochuc.imports.importer import import_workbook
from tochuc.people.models import Person
from tochuc.reports.figures import Period
from tochuc.reports.models import Target
from tochuc.reports.selectors import build_frame, compute_all
from tochuc.units.models import Unit, UnitVersion
from tochuc.units.services import unit_merge, unit_rename

INJECTION = '=HYPERLINK("http://x","y")'
YEARS = range(2014, 2026)


@pytest.fixture
def history(tree, make_person, record):
    """A small city: admissions, recognitions, a transfer, a death, an expulsion, a training course,
    a renamed and a merged unit, a congress, a target and a voided event."""
    t = tree
    hoa = make_person("Nguyễn Thị Hoa", sex="female", birth_date=dt.date(1990, 3, 15), national_id="092190001234")
    record(hoa, "admission", dt.date(2015, 5, 19), unit=t["CT.NK.01.01"], decided_on=dt.date(2015, 5, 12), decision_no="12-QĐ/ĐU")
    record(hoa, "recognition", dt.date(2016, 5, 19), unit=t["CT.NK.01.01"])
    record(hoa, "transfer", dt.date(2018, 6, 1), subtype="official", unit=t["CT.NK.01.01"], to_unit=t["CT.NK.02"])
    record(hoa, "evaluation", dt.date(2019, 12, 20), subtype="good", unit=t["CT.NK.02"], year=2019)
    nam = make_person("Lê Văn Nam", birth_date=dt.date(1975, 7, 2))
    record(nam, "admission", dt.date(1995, 2, 3), unit=t["CT.NK.01.02"])
    record(nam, "recognition", dt.date(1996, 2, 3), unit=t["CT.NK.01.02"])
    record(nam, "training", dt.date(2016, 3, 1), subtype="political_theory_intermediate", unit=t["CT.NK.01"], end_on=dt.date(2017, 3, 1))
    record(nam, "death", dt.date(2022, 3, 4), unit=t["CT.NK.01.02"])
    odd = make_person(INJECTION, birth_date=dt.date(1992, 1, 1))
    record(odd, "admission", dt.date(2017, 9, 1), unit=t["CT.CR.01.01"], note="-ghi chú bắt đầu bằng dấu trừ")
    record(odd, "recognition", dt.date(2018, 9, 1), unit=t["CT.CR.01.01"])
    record(odd, "discipline", dt.date(2021, 4, 5), subtype="expulsion", unit=t["CT.CR.01.01"])
    mistake = record(odd, "evaluation", dt.date(2019, 12, 20), subtype="complete", unit=t["CT.CR.01.01"], year=2019)
    event_void(event=mistake, reason="ghi nhầm", by=None)
    unit_rename(by=None, unit=t["CT.NK.02"], name="Chi bộ Trường THPT Châu Văn Liêm (mới)", on=dt.date(2019, 9, 1))
    unit_merge(by=None, unit=t["CT.NK.01.02"], into=t["CT.NK.01.01"], on=dt.date(2023, 1, 1))
    record(None, "congress", dt.date(2020, 7, 10), unit=t["CT.NK"], term="2020-2025")
    Target.objects.create(unit=t["CT"], year=2021, metric="members.admitted", value=10)
    return t


def figures(code: str = "CT") -> dict:
    out = {}
    for year in YEARS:
        frame = build_frame(scope=None, code=code, period=Period.year(year))
        codes = {b.unit_id: b.code for b in frame.buckets}
        for key, result in compute_all(frame).items():
            out[(year, key)] = (result.value, {codes[b]: v for b, v in result.by_bucket.items()})
    return out


def projections() -> dict:
    def rows(qs, *fields):
        return sorted(qs.values_list(*fields), key=str)

    return {
        "memberships": rows(Membership.objects, "person__code", "unit__code", "status", "valid_from", "valid_to"),
        "states": rows(PersonState.objects, "person__code", "status", "unit__code", "first_admitted_on", "left_on", "left_reason"),
        "holdings": rows(PositionHolding.objects, "person__code", "position", "unit__code", "valid_from", "valid_to", "term_ends_on"),
        "versions": rows(UnitVersion.objects, "unit__code", "name", "kind", "parent__code", "valid_from", "valid_to", "depth"),
        "people": rows(Person.objects, "code", "full_name", "birth_date", "sex", "national_id"),
        "targets": rows(Target.objects, "unit__code", "year", "metric", "value"),
        "events": rows(
            Event.objects.filter(void__isnull=True), "person__code", "unit__code", "kind", "subtype", "effective_on", "to_unit__code", "position", "term", "year", "decision_no", "note"
        ),
    }


def empty_database() -> None:
    # every derived table of the events app (projections, rollups, headcounts), then the records
    derived = [m for m in apps.get_app_config("events").get_models() if m not in (Event, EventVoid)]
    with appendonly.suspended(connection):
        for model in (*derived, EventVoid, Event, Target, Person, UnitVersion, Unit):
            model.objects.all().delete()


@pytest.mark.parametrize("target", ["city.xlsx", "city/"])
def test_an_export_imported_into_an_empty_database_gives_identical_figures_for_every_year(history, tmp_path, target):
    before_figures, before = figures(), projections()
    assert before_figures[(2015, "members.admitted")][0] == 1
    path = f"{tmp_path}/{target}"
    result = export_workbook(unit_scope(Unit.objects.get(code="CT")), path)
    assert result.rows == 9 + 3 + 14 + 1  # units, people, events (voided one left out), targets
    empty_database()
    assert Person.objects.count() == Unit.objects.count() == 0
    outcome = import_workbook(path)
    assert [p.line() for p in outcome.problems] == []
    assert outcome.summary() == "Đã nhập 9 đơn vị, 3 người, 14 sự kiện, 1 chỉ tiêu"
    assert projections() == before
    assert figures() == before_figures
    assert Person.objects.get(full_name=INJECTION)
    assert import_workbook(path).summary() == "Không có gì thay đổi: mọi dòng đã có trong cơ sở dữ liệu (9 đơn vị, 3 người, 14 sự kiện, 1 chỉ tiêu)"


def test_exported_text_cells_never_become_formulas(history, tmp_path):
    export_workbook(unit_scope(Unit.objects.get(code="CT")), str(tmp_path / "x.xlsx"))
    wb = load_workbook(tmp_path / "x.xlsx")
    names = [c for c in wb["people"]["B"] if c.value and "HYPERLINK" in str(c.value)]
    assert [(c.value, c.data_type) for c in names] == [("'" + INJECTION, "s")]
    notes = [c.value for c in wb["events"]["N"] if c.value and "ghi chú" in str(c.value)]
    assert notes == ["'-ghi chú bắt đầu bằng dấu trừ"]
    with zipfile.ZipFile(tmp_path / "x.xlsx") as zf:
        assert not any(b"<f>" in zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/"))
    export_workbook(unit_scope(Unit.objects.get(code="CT")), str(tmp_path / "csv") + "/")
    people_csv = (tmp_path / "csv" / "people.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")" in people_csv


def test_an_export_holds_only_the_scope_and_the_units_its_rows_point_to(history, personas):
    out = io.BytesIO()
    export_workbook(scope_for(personas.district_specialist), out)
    wb = load_workbook(io.BytesIO(out.getvalue()))
    assert sorted(r[0] for r in wb["people"].iter_rows(min_row=2, values_only=True)) == ["P0001", "P0002"]
    assert sorted(r[0] for r in wb["units"].iter_rows(min_row=2, values_only=True)) == ["CT", "CT.NK", "CT.NK.01", "CT.NK.01.01", "CT.NK.01.02", "CT.NK.02"]
    assert [r[0] for r in wb["targets"].iter_rows(min_row=2, values_only=True)] == ["CT"]


def test_the_export_command_writes_the_file_and_logs_it(history, tmp_path):
    out = io.StringIO()
    call_command("export", str(tmp_path / "nk.xlsx"), "--unit", "CT.NK", stdout=out)
    log = AccessLog.objects.get(action="export")
    assert (log.object_id, log.detail["rows"], log.detail["source"]) == ("CT.NK", 6 + 2 + 11 + 1, "cli")
    assert out.getvalue().startswith("Đã xuất 20 dòng vào ")
    assert log.detail["sha256"] in out.getvalue()
