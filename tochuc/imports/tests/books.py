"""Building test workbooks: through openpyxl, or byte by byte for what openpyxl will not write."""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import Workbook

PEOPLE_HEADER = ["Mã người", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD"]
EVENTS_HEADER = ["Mã người", "Loại sự kiện", "Phân loại", "Ngày hiệu lực", "Mã đơn vị", "Mã đơn vị đến", "Năm", "Xác nhận cảnh báo"]


def book(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def simple_book(path: Path, *, extra_people=(), extra_events=()) -> Path:
    """Two people of CT.NK.01.01 (fixture tree) and their membership history."""
    return book(
        path,
        {
            "Người": [
                PEOPLE_HEADER,
                ["DV001", "Nguyễn Thị Hoa", "15/03/1990", "Nữ", "092190001234"],
                ["DV002", "Lê Văn Nam", "1985-07-02", "Nam", ""],
                *extra_people,
            ],
            "Sự kiện": [
                EVENTS_HEADER,
                ["DV001", "Kết nạp đảng viên", "", "19/05/2015", "CT.NK.01.01", "", None, ""],
                ["DV001", "Công nhận đảng viên chính thức", "", "19/05/2016", "CT.NK.01.01", "", None, ""],
                ["DV002", "admission", "", "03/02/2010", "CT.NK.01.02", "", None, ""],
                ["DV002", "Chuyển sinh hoạt đảng", "Chính thức", "01/06/2018", "CT.NK.01.02", "CT.NK.01.01", None, ""],
                *extra_events,
            ],
        },
    )


CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b"%s</Types>"
)
ROOT_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    b"</Relationships>"
)
WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="%s" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    b"%s</Relationships>"
)
SHEET_OPEN = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def raw_book(path: Path, sheet_name: str, sheet_body, *, extra_parts: dict[str, bytes] | None = None, compresslevel: int = 6) -> Path:
    """A one-sheet .xlsx whose sheet XML is written directly (`sheet_body` is bytes or an
    iterable of byte chunks, streamed into the zip so a huge sheet costs no memory)."""
    extra_parts = extra_parts or {}
    shared = b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' if "xl/sharedStrings.xml" in extra_parts else b""
    rels = b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>' if "xl/sharedStrings.xml" in extra_parts else b""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES % shared)
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK % sheet_name.encode())
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS % rels)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            if isinstance(sheet_body, bytes):
                part.write(sheet_body)
            else:
                for chunk in sheet_body:
                    part.write(chunk)
        for name, data in extra_parts.items():
            zf.writestr(name, data)
    return path


def inline_row(number: int, values: list[str]) -> bytes:
    cells = b"".join(
        b'<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>' % (chr(65 + i).encode(), number, v.encode())
        for i, v in enumerate(values)
    )
    return b'<row r="%d">%s</row>' % (number, cells)
