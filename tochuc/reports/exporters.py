"""The year-end report and drill-down lists as files: JSON, HTML, DOCX, XLSX, PDF.

Every format renders the same `AnnualReport`. User text (unit names, people's names) is always
inserted as data: escaped in HTML, as runs or template *values* in Word (never template code),
and neutralised in spreadsheets when it could be read as a formula (SECURITY.md C3, D6, D8).
"""

from __future__ import annotations

import base64
import io
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

from tochuc.reports import charts
from tochuc.reports.annual import AnnualReport, display
from tochuc.reports.figures import SECTIONS, figure_def
from tochuc.reports.selectors import Rows

DEFAULT_DOCX_TEMPLATE = Path(__file__).with_name("annual_template.docx")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")


def docx_template_path() -> Path:
    """The Word template: TOCHUC_REPORT_DOCX_TEMPLATE (setting or environment) or the shipped one."""
    configured = getattr(settings, "TOCHUC_REPORT_DOCX_TEMPLATE", "") or os.environ.get(
        "TOCHUC_REPORT_DOCX_TEMPLATE", ""
    )
    return Path(configured) if configured else DEFAULT_DOCX_TEMPLATE


def neutralise(value: object) -> object:
    """A string a spreadsheet would read as a formula gets a leading apostrophe (CWE-1236)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# --- shared content -------------------------------------------------------------------------

BREAKDOWN_COLUMNS = (
    ("members.total", "Đảng viên"),
    ("members.probationary", "Dự bị"),
    ("members.admitted", "Kết nạp"),
    ("members.admitted.target", "Chỉ tiêu"),
    ("members.admitted.vs_target", "So chỉ tiêu"),
    ("members.recognized", "Công nhận"),
    ("members.transferred_in", "Chuyển đến"),
    ("members.transferred_out", "Chuyển đi"),
    ("members.deceased", "Từ trần"),
    ("members.disciplined", "Kỷ luật"),
)
# Always shown in the summary table; other figures only when not zero.
CORE_KEYS = frozenset(
    {
        "members.total",
        "members.probationary",
        "members.admitted",
        "members.admitted.target",
        "members.admitted.vs_target",
        "members.recognized",
        "units.congresses",
        "cadres.decided",
    }
)


@dataclass(frozen=True)
class SummaryRow:
    key: str
    label: str
    value: int | Decimal | None
    text: str


def summary(report: AnnualReport) -> list[tuple[str, list[SummaryRow]]]:
    """The figures grouped by section of the report, zeros left out except the core ones."""
    out: dict[str, list[SummaryRow]] = {title: [] for title in SECTIONS.values()}
    for r in report.present():
        d = figure_def(r.key, report.frame.award_codes)
        # badges are listed with the members, not again among the awards
        if (
            d is None
            or (not r.value and r.key not in CORE_KEYS)
            or r.key.startswith("awards.badge_")
        ):
            continue
        out[SECTIONS[d.section]].append(
            SummaryRow(r.key, r.label, r.value, display(r.value, r.key))
        )
    return [(title, rows) for title, rows in out.items() if rows]


def breakdown(report: AnnualReport) -> tuple[list[str], list[tuple[str, str, list[SummaryRow]]]]:
    """Header and rows of the table by unit directly below the root."""
    cols = [
        (k, label)
        for k, label in BREAKDOWN_COLUMNS
        if k in report.results and report.results[k].value is not None
    ]
    rows = []
    for b in report.frame.buckets:
        cells = []
        for key, _ in cols:
            r = report.results[key]
            v = r.by_bucket.get(b.unit_id)
            cells.append(SummaryRow(key, "", v, display(v, key)))
        # units with nothing to show (the root itself, agencies kept for cadre work) are left out
        if not any(c.value for c in cells):
            continue
        rows.append((b.code, b.name + (" (trực tiếp)" if b.is_root else ""), cells))
    total_cells = [SummaryRow(k, "", report.value(k), display(report.value(k), k)) for k, _ in cols]
    rows.append(("", "Tổng cộng", total_cells))
    return [label for _, label in cols], rows


# --- JSON, HTML --------------------------------------------------------------------------------


def to_json(report: AnnualReport) -> bytes:
    return json.dumps(report.to_json(), ensure_ascii=False, indent=2).encode("utf-8")


def html_context(report: AnnualReport, *, with_charts: bool = True) -> dict:
    header, rows = breakdown(report)
    return {
        "report": report,
        "summary": summary(report),
        "breakdown_header": header,
        "breakdown_rows": rows,
        "charts": [
            (key, title, base64.b64encode(png).decode("ascii"))
            for key, title, png in (charts.all_charts(report) if with_charts else [])
        ],
    }


def to_html(report: AnnualReport) -> bytes:
    return render_to_string("reports/annual_document.html", html_context(report)).encode("utf-8")


# --- DOCX --------------------------------------------------------------------------------------


BODY_MARKER = "\u27e6body\u27e7"  # what the {{ body }} field renders to, then replaced


def _docx_body(sd, report: AnnualReport) -> None:
    """Append the narrative, tables and charts to a python-docx Document."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    def para(
        text: str = "",
        *,
        bold: bool = False,
        italic: bool = False,
        size: float = 14,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        indent: bool = True,
        keep_with_next: bool = False,
    ):
        p = sd.add_paragraph()
        p.alignment = align
        fmt = p.paragraph_format
        fmt.keep_with_next = keep_with_next
        fmt.space_after = Pt(4)
        fmt.line_spacing = 1.15
        if indent:
            fmt.first_line_indent = Cm(1.0)
        run = p.add_run(text)  # user text is a run, never template code
        run.bold, run.italic = bold, italic
        run.font.size = Pt(size)
        run.font.name = "Times New Roman"
        return p

    def table(
        header: list[str],
        rows: list[list[str]],
        widths: list[float],
        numeric_from: int = 1,
        bold_last: bool = False,
        size: float = 11,
    ):
        t = sd.add_table(rows=1, cols=len(header))
        t.style = "Table Grid"
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        t.autofit = False
        # LibreOffice reads the grid columns, Word the cell widths: set both. Each row's cells
        # are fetched once (python-docx recomputes `row.cells` on every access).
        for i, w in enumerate(widths):
            t.columns[i].width = Cm(w)

        def fill(cells, values, *, bold: bool, head: bool) -> None:
            for i, text in enumerate(values):
                cell = cells[i]
                cell.width = Cm(widths[i])
                paragraph = cell.paragraphs[0]
                run = paragraph.add_run(text)
                run.bold = bold
                run.font.size = Pt(size - 1 if head else size)
                if head:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                elif i >= numeric_from:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT

        fill(t.rows[0].cells, header, bold=True, head=True)
        for ri, values in enumerate(rows):
            fill(t.add_row().cells, values, bold=bold_last and ri == len(rows) - 1, head=False)
        sd.add_paragraph()

    for section in report.sections:
        para(section.heading, bold=True, indent=False, keep_with_next=True)
        for text in section.paragraphs:
            para(text)
    para("PHỤ LỤC: SỐ LIỆU", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    for title, rows in summary(report):
        para(title, bold=True, italic=True, indent=False, size=13, keep_with_next=True)
        table(["Chỉ số", "Số liệu"], [[r.label, r.text] for r in rows], [12.0, 4.0])
    header, rows = breakdown(report)
    para(
        "Số liệu theo đơn vị trực thuộc",
        bold=True,
        italic=True,
        indent=False,
        size=13,
        keep_with_next=True,
    )
    widths = [{"So chỉ tiêu": 1.8, "Đảng viên": 1.55}.get(label, 1.25) for label in header]
    table(
        ["Đơn vị", *header],
        [[name, *[c.text for c in cells]] for _, name, cells in rows],
        [16.0 - sum(widths), *widths],
        bold_last=True,
        size=9,
    )
    for _, title, png in charts.all_charts(report):
        para(title, bold=True, italic=True, indent=False, size=13, keep_with_next=True)
        sd.add_picture(io.BytesIO(png), width=Cm(16))


def to_docx(report: AnnualReport) -> bytes:
    """Fill the Word template's fields, then put the body where the template has {{ body }}.

    The template's fields take plain values; the body (paragraphs, tables, pictures) is built
    with python-docx after rendering, so nothing the user typed ever passes through Jinja as code.
    """
    from docx import Document
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(str(docx_template_path()))
    issuer = report.issuer
    context = {
        "committee": issuer.committee,
        "office": issuer.office,
        "number_line": issuer.number_line,
        "place_date": issuer.place_date_line,
        "title": report.title,
        "subtitle": report.subtitle,
        "unit_name": report.frame.root_name,
        "period": report.period.label(),
        "body": BODY_MARKER,
        "signer": f"T/M {issuer.office}",
    }
    # autoescape: values are XML-escaped data; Jinja never re-reads a value as template code,
    # so a unit named "{{ x }}" appears literally.
    tpl.render(context, autoescape=True)
    rendered = io.BytesIO()
    tpl.save(rendered)
    rendered.seek(0)
    doc = Document(rendered)
    body = doc.element.body
    marker = next((p for p in doc.paragraphs if p.text.strip() == BODY_MARKER), None)
    before = list(body.iterchildren())
    _docx_body(doc, report)
    if marker is not None:
        # python-docx appends at the end; move the new blocks to where the template wants them
        for element in [e for e in body.iterchildren() if e not in before]:
            marker._p.addprevious(element)
        body.remove(marker._p)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def make_default_template(path: Path = DEFAULT_DOCX_TEMPLATE) -> None:
    """Write the shipped Word template (run once by a developer; administrators may edit the
    file, or point TOCHUC_REPORT_DOCX_TEMPLATE at their own with the same {{ }} fields)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    section.left_margin, section.right_margin = Cm(3.0), Cm(2.0)
    for style_name in ("Normal", "Table Grid"):
        style = doc.styles[style_name]
        style.font.name = "Times New Roman"
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "Times New Roman")
    doc.styles["Normal"].font.size = Pt(14)

    header = doc.add_table(rows=1, cols=2)
    header.autofit = False
    left, right = header.rows[0].cells
    left.width, right.width = Cm(7.0), Cm(9.0)

    def line(cell, text, *, bold=False, italic=False, underline=False, size=13, first=False):
        p = cell.paragraphs[0] if first else cell.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(0)
        run = p.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        run.font.size = Pt(size)
        return p

    line(left, "{{ committee }}", size=13, first=True)
    line(left, "{{ office }}", bold=True, size=13)
    line(left, "*", size=13)
    line(left, "{{ number_line }}", size=13)
    line(right, "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, underline=True, size=14, first=True)
    line(right, "")
    line(right, "{{ place_date }}", italic=True, size=13)

    doc.add_paragraph()
    for text, size in (("{{ title }}", 15), ("{{ subtitle }}", 14)):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(0)
        run = p.add_run(text)
        run.bold = True
        run.font.size = Pt(size)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("-----")
    doc.add_paragraph("{{ body }}")
    sign = doc.add_table(rows=1, cols=2)
    recipients, signer = sign.rows[0].cells
    recipients.width, signer.width = Cm(8.0), Cm(8.0)
    r = recipients.paragraphs[0].add_run("Nơi nhận:")
    r.italic, r.underline, r.font.size = True, True, Pt(12)
    r = recipients.add_paragraph().add_run("- Như trên,\n- Lưu Văn phòng.")
    r.font.size = Pt(11)
    line(signer, "{{ signer }}", bold=True, size=14, first=True)
    doc.save(str(path))


# --- XLSX --------------------------------------------------------------------------------------

INT_FORMAT = "#,##0"
PCT_FORMAT = '+0.00"%";-0.00"%";0.00"%"'


def _xlsx_value(value: int | Decimal | None) -> tuple[object, str | None]:
    if isinstance(value, Decimal):
        return float(value), PCT_FORMAT
    if isinstance(value, int):
        return value, INT_FORMAT
    return None, None


def to_xlsx(report: AnnualReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Chỉ số"
    ws.append([neutralise(f"{report.title} – {report.subtitle}")])
    ws.append([neutralise(report.frame.root_name), neutralise(report.frame.root.code)])
    ws.append([])
    ws.append(["Mã chỉ số", "Chỉ số", "Giá trị", "Định nghĩa"])
    for cell in ws[4]:
        cell.font = Font(bold=True)
    for r in report.present():
        value, fmt = _xlsx_value(r.value)
        ws.append([r.key, neutralise(r.label), value, neutralise(r.definition)])
        if fmt:
            ws.cell(row=ws.max_row, column=3).number_format = fmt
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 46
    ws.column_dimensions["C"].width = 12
    ws.column_dimensions["D"].width = 90

    by = wb.create_sheet("Theo đơn vị")
    keys = [r.key for r in report.present()]
    by.append(["Mã đơn vị", "Đơn vị", *keys])
    for cell in by[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True)
    for b in report.frame.buckets:
        row: list[object] = [neutralise(b.code), neutralise(b.name)]
        fmts = []
        for k in keys:
            value, fmt = _xlsx_value(report.results[k].by_bucket.get(b.unit_id))
            row.append(value)
            fmts.append(fmt)
        by.append(row)
        for i, fmt in enumerate(fmts):
            if fmt:
                by.cell(row=by.max_row, column=3 + i).number_format = fmt
    by.column_dimensions["B"].width = 40

    text = wb.create_sheet("Nội dung")
    for section in report.sections:
        text.append([neutralise(section.heading)])
        text.cell(row=text.max_row, column=1).font = Font(bold=True)
        for p in section.paragraphs:
            text.append([neutralise(p)])
            text.cell(row=text.max_row, column=1).alignment = Alignment(
                wrap_text=True, vertical="top"
            )
    text.column_dimensions["A"].width = 140
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def rows_to_xlsx(rows: Rows, *, title: str, subtitle: str) -> bytes:
    """A drill-down list as a workbook (write-only: tens of thousands of rows stay cheap)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Danh sách")
    ws.append([neutralise(title)])
    ws.append([neutralise(subtitle)])
    ws.append([neutralise(rows.figure.definition)])
    head = []
    for c in rows.columns:
        cell = WriteOnlyCell(ws, value=c.label)
        cell.font = Font(bold=True)
        head.append(cell)
    ws.append(["STT", *head])
    for i, row in enumerate(rows, start=1):
        ws.append([i, *[neutralise(row.get(c.key, "")) for c in rows.columns]])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- PDF ---------------------------------------------------------------------------------------


def _font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def to_pdf(report: AnnualReport) -> bytes:
    """The same content as the Word file, typeset with fpdf2 in DejaVu Serif (Vietnamese glyphs)."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(format="A4")
    pdf.set_margins(25, 18, 18)
    pdf.set_auto_page_break(True, margin=18)
    fonts = _font_dir()
    pdf.add_font("Serif", "", str(fonts / "DejaVuSerif.ttf"))
    pdf.add_font("Serif", "B", str(fonts / "DejaVuSerif-Bold.ttf"))
    pdf.add_font("Serif", "I", str(fonts / "DejaVuSerif-Italic.ttf"))
    pdf.add_font("Serif", "BI", str(fonts / "DejaVuSerif-BoldItalic.ttf"))
    pdf.set_title(f"{report.title} {report.subtitle}")
    pdf.add_page()
    issuer = report.issuer
    width = pdf.w - pdf.l_margin - pdf.r_margin
    left_w, right_w = width * 0.45, width * 0.55
    top = pdf.get_y()
    pdf.set_font("Serif", "", 10.5)
    pdf.multi_cell(left_w, 5.2, issuer.committee, align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font("Serif", "B", 10.5)
    pdf.multi_cell(left_w, 5.2, issuer.office, align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font("Serif", "", 10.5)
    pdf.multi_cell(left_w, 5.2, "*", align="C", new_x="LEFT", new_y="NEXT")
    pdf.multi_cell(left_w, 5.2, issuer.number_line, align="C", new_x="LEFT", new_y="NEXT")
    bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin + left_w, top)
    pdf.set_font("Serif", "BU", 11)
    pdf.multi_cell(right_w, 5.6, "ĐẢNG CỘNG SẢN VIỆT NAM", align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_xy(
        pdf.l_margin + left_w, pdf.get_y() + 3
    )  # not ln(): it would return to the left margin
    pdf.set_font("Serif", "I", 10.5)
    pdf.multi_cell(right_w, 5.2, issuer.place_date_line, align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_xy(pdf.l_margin, max(bottom, pdf.get_y()) + 8)
    pdf.set_font("Serif", "B", 14)
    pdf.multi_cell(0, 7, report.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Serif", "B", 12)
    pdf.multi_cell(0, 6, report.subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 6, "-----", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for section in report.sections:
        pdf.set_font("Serif", "B", 11.5)
        pdf.multi_cell(0, 6, section.heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Serif", "", 11.5)
        for p in section.paragraphs:
            pdf.multi_cell(0, 6, p, align="J", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
    pdf.ln(3)
    pdf.set_font("Serif", "B", 11.5)
    pdf.multi_cell(0, 6, "PHỤ LỤC: SỐ LIỆU", align="C", new_x="LMARGIN", new_y="NEXT")
    head_style = FontFace(emphasis="BOLD", fill_color=(238, 238, 238))
    for title, rows in summary(report):
        pdf.set_font("Serif", "BI", 10.5)
        pdf.multi_cell(0, 6, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Serif", "", 10)
        with pdf.table(
            col_widths=(120, 40),
            text_align=("LEFT", "RIGHT"),
            headings_style=head_style,
            line_height=5.5,
        ) as t:
            t.row(["Chỉ số", "Số liệu"])
            for r in rows:
                t.row([r.label, r.text])
        pdf.ln(2)
    header, rows_b = breakdown(report)
    pdf.set_font("Serif", "BI", 10.5)
    pdf.multi_cell(0, 6, "Số liệu theo đơn vị trực thuộc", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Serif", "", 7.5)
    n = len(header)
    with pdf.table(
        col_widths=(40, *([14] * n)),
        text_align=("LEFT", *(["RIGHT"] * n)),
        headings_style=head_style,
        line_height=4.2,
    ) as t:
        t.row(["Đơn vị", *header])
        for _, name, cells in rows_b:
            t.row([name, *[c.text for c in cells]])
    for _, title, png in charts.all_charts(report):
        from PIL import Image

        with Image.open(io.BytesIO(png)) as img:
            height = width * img.height / img.width
        if pdf.get_y() + height + 12 > pdf.page_break_trigger:
            pdf.add_page()  # keep a chart with its title
        pdf.ln(3)
        pdf.set_font("Serif", "BI", 10.5)
        pdf.multi_cell(0, 6, title, new_x="LMARGIN", new_y="NEXT")
        pdf.image(io.BytesIO(png), w=width)
    return bytes(pdf.output())


@dataclass(frozen=True)
class Format:
    render: Callable[[AnnualReport], bytes]
    content_type: str
    extension: str
    label: str


FORMATS: dict[str, Format] = {
    "json": Format(to_json, "application/json; charset=utf-8", "json", "JSON"),
    "html": Format(to_html, "text/html; charset=utf-8", "html", "HTML"),
    "docx": Format(
        to_docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
        "Word",
    ),
    "xlsx": Format(
        to_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
        "Excel",
    ),
    "pdf": Format(to_pdf, "application/pdf", "pdf", "PDF"),
}


def file_name(report: AnnualReport, extension: str) -> str:
    """An ASCII file name (safe in Content-Disposition): bao-cao-nam-2017-CT.NK.docx"""
    code = "".join(ch if ch.isalnum() or ch in "._-" else "-" for ch in report.frame.root.code)
    if report.period.is_calendar_year:
        return f"bao-cao-nam-{report.period.start.year}-{code}.{extension}"
    return f"bao-cao-{report.period.start:%Y%m%d}-{report.period.end:%Y%m%d}-{code}.{extension}"


def formats() -> Iterable[tuple[str, Format]]:
    return FORMATS.items()
