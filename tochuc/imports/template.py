"""The blank template: one sheet per table with Vietnamese headers, drop-down lists for every
enumeration, date and text formats set, and an instructions sheet with an example per column."""

from __future__ import annotations

from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from tochuc.cadres.models import (
    DefenseGroup,
    ManagingLevel,
    PoliticalTheory,
    Professional,
    StateManagement,
)
from tochuc.events.kinds import KINDS
from tochuc.imports.exporter import DATE_FORMAT
from tochuc.imports.schema import DATE, ENUM, ID, SHEETS, Column
from tochuc.people.models import Sex
from tochuc.units.models import UnitKind

LISTS_SHEET = "Danh mục"
HELP_SHEET = "Hướng dẫn"
MAX_ROW = 100_000  # validations and formats cover this many rows

INTRO = [
    "Sổ nhập dữ liệu tochuc. Điền các trang Đơn vị, Chức danh, Người, Sự kiện, Chỉ tiêu; trang nào không dùng có thể để trống hoặc xóa.",
    "Trang Chức danh: danh mục chức danh của từng đơn vị và tiêu chuẩn của chức danh (lý luận chính trị, quản lý nhà nước, chuyên môn, "
    "quốc phòng – an ninh) theo từng giai đoạn; mỗi giai đoạn tiêu chuẩn một dòng, các cột của chức danh ghi lặp lại. "
    "Các mức tiêu chuẩn để trống là không yêu cầu; mức cao hơn đáp ứng yêu cầu mức thấp hơn.",
    "Dòng đầu mỗi trang là tiêu đề cột: giữ nguyên (có thể dùng mã cột tiếng Anh thay cho tên tiếng Việt).",
    "Ngày ghi dd/mm/yyyy (ví dụ 19/05/2020) hoặc yyyy-mm-dd. Loại, phân loại, giới tính: chọn trong danh sách (hoặc ghi mã).",
    "Mã đơn vị, mã người có thể trỏ tới dòng trong cùng tệp hoặc tới dữ liệu đã có. Nhập lại cùng một tệp không tạo bản ghi trùng.",
    "Tệp được kiểm tra toàn bộ trước khi ghi: có một lỗi thì không ghi gì, và mọi lỗi được liệt kê theo trang, dòng, cột.",
    "Cảnh báo theo quy định phải được xác nhận: ghi mã cảnh báo vào cột “Xác nhận cảnh báo” của dòng, hoặc chọn xác nhận mọi cảnh báo khi nhập.",
]


def _enum_values() -> dict[str, list[str]]:
    subtypes: list[str] = []
    for spec in KINDS.values():
        for options in (spec.subtypes, spec.unit_subtypes or {}):
            for label in options.values():
                if label not in subtypes:
                    subtypes.append(label)
    return {
        "units.kind": [c.label for c in UnitKind],
        "people.sex": [c.label for c in Sex],
        "events.kind": [s.label for s in KINDS.values() if s.code != "founding"],
        "events.subtype": subtypes,
        "posts.managing_level": [c.label for c in ManagingLevel],
        "posts.is_party_committee": ["Có", "Không"],
        "posts.political_theory": [c.label for c in PoliticalTheory if c.value],
        "posts.state_management": [c.label for c in StateManagement if c.value],
        "posts.professional": [c.label for c in Professional if c.value],
        "posts.defense_group": [c.label for c in DefenseGroup if c.value],
    }


def write_template(out: IO[bytes]) -> None:
    wb = Workbook()
    help_ws = wb.active
    help_ws.title = HELP_SHEET
    lists = wb.create_sheet(LISTS_SHEET)
    enums = _enum_values()
    ranges: dict[str, str] = {}
    for index, (key, values) in enumerate(enums.items(), start=1):
        letter = get_column_letter(index)
        lists.cell(1, index, key).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            lists.cell(row, index, value)
        ranges[key] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
        lists.column_dimensions[letter].width = 40

    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet.label)
        for index, column in enumerate(sheet.columns, start=1):
            letter = get_column_letter(index)
            cell = ws.cell(1, index, column.label)
            cell.font = Font(bold=True)
            cell.fill = header_fill
            ws.column_dimensions[letter].width = max(14, len(column.label) + 4)
            area = f"{letter}2:{letter}{MAX_ROW}"
            if column.type == DATE:
                ws.column_dimensions[letter].number_format = DATE_FORMAT
                dv = DataValidation(type="date", operator="between", formula1="DATE(1890,1,1)", formula2="DATE(2100,12,31)",
                                    errorStyle="warning", error="Ngày không hợp lệ (dd/mm/yyyy)", showErrorMessage=True)
                dv.add(area)
                ws.add_data_validation(dv)
            elif column.type == ID:
                # text, so Excel keeps the leading zero of 0xx... ID numbers
                ws.column_dimensions[letter].number_format = "@"
            elif column.type == ENUM:
                source = ranges.get(f"{sheet.key}.{column.key}")
                if source:
                    # subtypes also accept catalogue codes, so a value outside the list only warns
                    strict = column.key != "subtype"
                    dv = DataValidation(type="list", formula1=f"={source}", allow_blank=not column.required,
                                        errorStyle="stop" if strict else "warning", showErrorMessage=True,
                                        error="Chọn một giá trị trong danh sách")
                    dv.add(area)
                    ws.add_data_validation(dv)
        ws.freeze_panes = "A2"

    _write_help(help_ws)
    wb.save(out)


def _write_help(ws) -> None:
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 30
    ws.column_dimensions["C"].width = 22
    ws.column_dimensions["D"].width = 10
    ws.column_dimensions["E"].width = 80
    ws.column_dimensions["F"].width = 24
    ws.cell(1, 1, "Hướng dẫn nhập dữ liệu").font = Font(bold=True, size=14)
    row = 2
    for line in INTRO:
        ws.cell(row, 1, line)
        row += 1
    row += 1
    for index, title in enumerate(("Trang", "Cột", "Mã cột", "Bắt buộc", "Giải thích", "Ví dụ"), start=1):
        ws.cell(row, index, title).font = Font(bold=True)
    row += 1
    for sheet in SHEETS:
        for column in sheet.columns:
            values = (sheet.label, column.label, column.key, "có" if column.required else "", _explain(column), column.example)
            for index, value in enumerate(values, start=1):
                cell = ws.cell(row, index, value)
                cell.alignment = Alignment(wrap_text=index == 5, vertical="top")
                if index == 6:
                    cell.number_format = "@"
            row += 1


def _explain(column: Column) -> str:
    kinds = {DATE: "Ngày", ENUM: "Chọn trong danh sách", ID: "Văn bản (giữ số 0 ở đầu)"}
    prefix = kinds.get(column.type, "")
    return "; ".join(part for part in (prefix, column.help) if part)
