"""Each format of the year-end report is a valid file with the same content."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from docx import Document
from openpyxl import load_workbook

from tochuc.reports.annual import Issuer, build_annual, place_of
from tochuc.reports.exporters import FORMATS, neutralise, to_docx, to_html, to_json, to_pdf, to_xlsx
from tochuc.reports.narrative import admission_sentence


@pytest.fixture
def report(world):
    return build_annual(
        scope=None, code="CT.NK", year=2017, number="45", issued_on=dt.date(2018, 1, 15)
    )


def test_the_docx_has_the_party_header_the_narrative_tables_and_charts(report):
    doc = Document(io.BytesIO(to_docx(report)))
    header = doc.tables[0]
    left = [p.text for p in header.cell(0, 0).paragraphs]
    right = [p.text for p in header.cell(0, 1).paragraphs]
    assert left == ["ĐẢNG BỘ QUẬN NINH KIỀU", "BAN TỔ CHỨC", "*", "Số 45-BC/BTC"]
    assert right == ["ĐẢNG CỘNG SẢN VIỆT NAM", "", "Ninh Kiều, ngày 15 tháng 01 năm 2018"]
    texts = [p.text for p in doc.paragraphs]
    assert "BÁO CÁO" in texts and "Tổng kết công tác tổ chức xây dựng Đảng năm 2017" in texts
    assert (
        "Các cấp ủy đảng đã kết nạp 3 đảng viên (trong đó kết nạp lại 1 đồng chí), đạt 75,00% kế hoạch (chỉ tiêu 4)."
        in texts
    )
    assert not any("{{" in t or "⟦" in t for t in texts)
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert {"Tổng số đảng viên", "9", "-25,00%"} <= cells
    assert len(doc.inline_shapes) == 3
    assert doc.styles["Normal"].font.name == "Times New Roman"


def test_a_unit_name_that_looks_like_template_code_appears_literally(world):
    from tochuc.units.services import unit_rename

    unit_rename(
        by=None,
        unit=world.tree["CT.NK"],
        name="Đảng bộ {{ x }} {% if 1 %}<b>&amp;",
        on=dt.date(2017, 6, 1),
    )
    report = build_annual(scope=None, code="CT.NK", year=2017)
    doc = Document(io.BytesIO(to_docx(report)))
    assert doc.tables[0].cell(0, 0).paragraphs[0].text == "ĐẢNG BỘ {{ X }} {% IF 1 %}<B>&AMP;"
    assert any(
        "Đảng bộ {{ x }} {% if 1 %}<b>&amp; có 9 đảng viên" in p.text for p in doc.paragraphs
    )
    html = to_html(report).decode()
    assert "Đảng bộ {{ x }} {% if 1 %}&lt;b&gt;&amp;amp; có 9 đảng viên" in html


def test_the_xlsx_has_numbers_as_numbers_and_neutralised_text(world):
    from tochuc.units.services import unit_rename

    unit_rename(
        by=None,
        unit=world.tree["CT.NK.02"],
        name='=HYPERLINK("http://x","y")',
        on=dt.date(2017, 6, 1),
    )
    report = build_annual(scope=None, code="CT.NK", year=2017)
    data = to_xlsx(report)
    wb = load_workbook(io.BytesIO(data))
    ws = wb["Chỉ số"]
    rows = {r[0].value: r for r in ws.iter_rows(min_row=5)}
    assert (rows["members.total"][2].value, rows["members.total"][2].number_format) == (9, "#,##0")
    assert rows["members.admitted.vs_target"][2].value == -25.0
    by = wb["Theo đơn vị"]
    names = [by.cell(row=i, column=2) for i in range(2, by.max_row + 1)]
    assert names[0].value == '\'=HYPERLINK("http://x","y")' and names[0].data_type == "s"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert not any(b"<f>" in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_the_pdf_is_a_pdf_with_the_report_text(report):
    data = to_pdf(report)
    assert data.startswith(b"%PDF-")
    assert len(data) > 20_000  # fonts and three charts embedded


def test_the_json_and_html_carry_the_same_figures(report):
    data = json.loads(to_json(report))
    html = to_html(report).decode()
    assert data["figures"]["members.total"]["value"] == 9
    assert html.startswith("<!doctype html>")
    assert "Các cấp ủy đảng đã kết nạp 3 đảng viên" in html
    assert html.count('src="data:image/png;base64,') == 3


def test_every_format_is_registered_with_its_content_type():
    assert {k: f.extension for k, f in FORMATS.items()} == {
        "json": "json",
        "html": "html",
        "docx": "docx",
        "xlsx": "xlsx",
        "pdf": "pdf",
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+84", "'+84"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Chi bộ 1", "Chi bộ 1"),
        (5, 5),
    ],
)
def test_spreadsheet_formulas_are_neutralised(value, expected):
    assert neutralise(value) == expected


@pytest.mark.parametrize(
    ("admitted", "readmitted", "target", "vs", "sentence"),
    [
        (
            3105,
            0,
            2869,
            "8.23",
            "Các cấp ủy đảng đã kết nạp 3.105 đảng viên, vượt 8,23% kế hoạch (chỉ tiêu 2.869).",
        ),
        (
            476,
            2,
            500,
            "-4.80",
            "Các cấp ủy đảng đã kết nạp 476 đảng viên (trong đó kết nạp lại 2 đồng chí), đạt 95,20% kế hoạch (chỉ tiêu 500).",
        ),
        (
            500,
            0,
            500,
            "0.00",
            "Các cấp ủy đảng đã kết nạp 500 đảng viên, đạt 100% kế hoạch (chỉ tiêu 500).",
        ),
        (12, 0, None, None, "Các cấp ủy đảng đã kết nạp 12 đảng viên."),
        (
            0,
            0,
            40,
            "-100.00",
            "Trong năm 2017, các cấp ủy đảng chưa kết nạp được đảng viên nào (chỉ tiêu 40 đảng viên).",
        ),
    ],
)
def test_the_admission_sentence_adapts_to_target_and_zero(
    admitted, readmitted, target, vs, sentence
):
    from decimal import Decimal

    assert (
        admission_sentence(
            admitted, readmitted, target, Decimal(vs) if vs else None, "trong năm 2017"
        )
        == sentence
    )


def test_the_header_place_comes_from_the_committee_name():
    assert place_of("Đảng bộ thành phố Cần Thơ") == "Cần Thơ"
    assert place_of("Đảng bộ quận Ninh Kiều") == "Ninh Kiều"
    assert (
        Issuer(
            "ĐẢNG BỘ THÀNH PHỐ CẦN THƠ", place="Cần Thơ", issued_on=dt.date(2017, 12, 18)
        ).place_date_line
        == "Cần Thơ, ngày 18 tháng 12 năm 2017"
    )
    assert Issuer("X").number_line == "Số       -BC/BTC"
