"""The error report: the user's own rows with an error column added, and a list of every problem."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from tochuc.imports.cells import neutralise
from tochuc.imports.importer import LEVEL_LABELS, Problem
from tochuc.imports.reader import Limits, WorkbookRefused, WorkbookSource
from tochuc.imports.schema import ERROR_COLUMN, find_sheet

LIST_SHEET = "Danh sách lỗi"


def _cell(value):
    return neutralise(value) if isinstance(value, str) else value


def write_error_report(source_path: Path, limits: Limits, problems: list[Problem], out: IO[bytes]) -> None:
    by_row: dict[tuple[str, int], list[str]] = defaultdict(list)
    for p in problems:
        if p.row:
            column = f"{p.column_label}: " if p.column else ""
            by_row[(p.sheet, p.row)].append(f"{LEVEL_LABELS[p.level]}: {column}{p.message}")
    wb = Workbook(write_only=True)
    listing = wb.create_sheet(LIST_SHEET)
    bold = Font(bold=True)
    header = []
    for title in ("Mức", "Trang", "Dòng", "Cột", "Giá trị", "Lý do"):
        cell = WriteOnlyCell(listing, value=title)
        cell.font = bold
        header.append(cell)
    listing.append(header)
    for p in problems:
        listing.append([LEVEL_LABELS[p.level], p.sheet_label, p.row, p.column_label, _cell(p.value), _cell(p.message)])
    try:
        with WorkbookSource(source_path, limits) as source:
            for s in source.sheets:
                sheet = find_sheet(s.name)
                key = sheet.key if sheet else s.name
                ws = wb.create_sheet(s.name[:31])
                header_seen = False
                for number, values in s.rows():
                    row = [_cell(v) for v in values]
                    if not header_seen and any(v not in (None, "") for v in row):
                        header_seen = True
                        error_cell = WriteOnlyCell(ws, value=ERROR_COLUMN)
                        error_cell.font = bold
                        ws.append([*row, error_cell])
                        continue
                    ws.append([*row, _cell("\n".join(by_row.get((key, number), ())) or None)])
    except WorkbookRefused:
        pass  # the file itself could not be read: the list of problems is the report
    wb.save(out)
