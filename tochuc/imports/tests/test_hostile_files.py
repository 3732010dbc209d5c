"""Hostile and broken files: each gives a clear error and writes nothing (SECURITY.md D1–D3)."""

from __future__ import annotations

import os
import resource
import zipfile

import openpyxl.xml
import pytest
from openpyxl import Workbook

from tochuc.events.models import Event
from tochuc.imports.importer import import_workbook
from tochuc.imports.reader import Limits
from tochuc.imports.tests.books import (
    EVENTS_HEADER,
    PEOPLE_HEADER,
    SHEET_OPEN,
    book,
    inline_row,
    raw_book,
)
from tochuc.people.models import Person


def only_error(outcome) -> str:
    assert not outcome.committed
    errors = [p.line() for p in outcome.problems if p.level == "error"]
    assert len(errors) == 1, errors
    return errors[0]


def test_openpyxl_parses_xml_through_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (os.urandom(4096), "Tệp không phải sổ Excel (.xlsx) hay thư mục CSV"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj", "Tệp là tài liệu PDF, không phải sổ Excel (.xlsx)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "Tệp là sổ Excel cũ (.xls) hoặc tệp Office được mã hóa: hãy mở bằng Excel và lưu lại dạng .xlsx"),
        (b"PK\x03\x04" + os.urandom(200), "Tệp .xlsx bị hỏng (không đọc được cấu trúc zip)"),
        (b"", "Tệp không phải sổ Excel (.xlsx) hay thư mục CSV"),
    ],
    ids=["random-bytes", "pdf-renamed", "legacy-xls", "broken-zip", "empty"],
)
def test_a_file_that_is_not_a_workbook_is_refused(db, tmp_path, content, message):
    path = tmp_path / "tep.xlsx"
    path.write_bytes(content)
    assert only_error(import_workbook(path)) == f"Lỗi: Tệp: {message}"


def test_a_zip_that_is_not_a_workbook_is_refused(db, tmp_path):
    path = tmp_path / "tep.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "xin chào")
    assert only_error(import_workbook(path)) == "Lỗi: Tệp: Tệp zip không phải sổ Excel: thiếu phần [Content_Types].xml hoặc xl/workbook.xml"


def test_a_workbook_with_macros_is_refused(db, tmp_path):
    path = raw_book(tmp_path / "macro.xlsm", "people", SHEET_OPEN + b"<sheetData/></worksheet>", extra_parts={"xl/vbaProject.bin": b"\x00" * 64})
    assert only_error(import_workbook(path)) == "Lỗi: Tệp: Sổ Excel có macro (.xlsm) không được nhận: hãy lưu lại dạng .xlsx không macro"


def test_a_workbook_with_no_known_sheet_is_refused(db, tmp_path):
    outcome = import_workbook(book(tmp_path / "a.xlsx", {"Sheet1": [["a", "b"], [1, 2]]}))
    assert [p.line() for p in outcome.problems] == [
        "Lưu ý: Tệp [Sheet1]: Trang “Sheet1” không thuộc mẫu: bỏ qua",
        "Lỗi: Tệp: Sổ không có trang nào theo mẫu (units/Đơn vị, posts/Chức danh, people/Người, events/Sự kiện, targets/Chỉ tiêu)",
    ]


def test_a_missing_required_column_is_an_error_and_an_unknown_one_a_notice(db, tmp_path):
    outcome = import_workbook(
        book(
            tmp_path / "a.xlsx",
            {
                "Người": [["Mã người", "Họ và tên", "Giới tính", "Số điện thoại"], ["DV1", "Lê Lan", "Nữ", "0901"]],
                "Chỉ tiêu": [["unit_code", "year", "metric", "value", "ghi chú riêng"]],
            },
        )
    )
    assert [p.line() for p in outcome.problems] == [
        "Lưu ý: Trang Người, dòng 1 [Số điện thoại]: Cột “Số điện thoại” không thuộc mẫu trang “Người”: bỏ qua",
        "Lỗi: Trang Người, dòng 1, cột Ngày sinh: Thiếu cột bắt buộc “Ngày sinh” (birth_date)",
        "Lưu ý: Trang Chỉ tiêu, dòng 1 [ghi chú riêng]: Cột “ghi chú riêng” không thuộc mẫu trang “Chỉ tiêu”: bỏ qua",
    ]
    assert Person.objects.count() == 0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("31/02/2017", "Ngày không hợp lệ: '31/02/2017' (dùng dd/mm/yyyy hoặc yyyy-mm-dd)"),
        ("2017/02/03", "Ngày không hợp lệ: '2017/02/03' (dùng dd/mm/yyyy hoặc yyyy-mm-dd)"),
        ("03-02-2017", "Ngày không hợp lệ: '03-02-2017' (dùng dd/mm/yyyy hoặc yyyy-mm-dd)"),
        ("3.2.17", "Ngày không hợp lệ: '3.2.17' (dùng dd/mm/yyyy hoặc yyyy-mm-dd)"),
        (42769, "Ngày '42769' là một số: đặt định dạng ô là Ngày (dd/mm/yyyy) hoặc nhập dạng văn bản dd/mm/yyyy"),
    ],
)
def test_wrong_and_impossible_dates_are_explained(db, tmp_path, value, message):
    outcome = import_workbook(book(tmp_path / "a.xlsx", {"people": [PEOPLE_HEADER, ["DV1", "Lê Lan", value, "Nữ", ""]]}))
    assert only_error(outcome) == f"Lỗi: Trang Người, dòng 2, cột Ngày sinh [{value}]: {message}"


def test_an_id_number_that_excel_turned_into_a_number_is_detected(db, tmp_path):
    outcome = import_workbook(book(tmp_path / "a.xlsx", {"people": [PEOPLE_HEADER, ["DV1", "Lê Lan", "15/03/1990", "Nữ", 92153069812.0]]}))
    assert only_error(outcome) == (
        "Lỗi: Trang Người, dòng 2, cột Số CCCD [92153069812]: Số CCCD 92153069812 bị lưu dạng số nên Excel đã bỏ số 0 ở đầu "
        "(có lẽ là 092153069812): đặt định dạng cột “Số CCCD” là Văn bản (Text) rồi nhập lại số đầy đủ"
    )


def test_numbers_stored_as_text_and_codes_typed_as_numbers_are_read(tree, tmp_path):
    outcome = import_workbook(
        book(
            tmp_path / "a.xlsx",
            {
                "people": [PEOPLE_HEADER, [1234, "Lê Lan", "15/03/1990", "Nữ", "092190001234"]],
                "events": [EVENTS_HEADER, [1234.0, "evaluation", "good", "31/12/2020", "CT.NK.01.01", "", " 2020 ", ""]],
                "targets": [["unit_code", "year", "metric", "value"], ["CT.NK", "2021", "members.admitted", "15"]],
            },
        )
    )
    # the evaluation is refused by the rules (not a member), not by the reading of "1234.0" or " 2020 "
    assert [p.code for p in outcome.problems] == ["status.member_required"]
    assert outcome.problems[0].row == 2 and outcome.problems[0].sheet == "events"


def test_duplicated_codes_and_national_ids_are_refused_inside_the_file_and_against_the_database(tree, make_person, tmp_path):
    make_person("Trần Quốc Trung", code="DB1", national_id="092090001234")
    outcome = import_workbook(
        book(
            tmp_path / "a.xlsx",
            {
                "people": [
                    PEOPLE_HEADER,
                    ["DV1", "Lê Lan", "15/03/1990", "Nữ", "092190001234"],
                    ["DV1", "Lê Lan Anh", "15/03/1991", "Nữ", ""],
                    ["DV2", "Lê Hoa", "15/03/1990", "Nữ", "092190001234"],
                    ["DB1", "Trần Quốc Tuấn", "15/03/1990", "Nam", ""],
                    ["DV3", "Lê Minh", "15/03/1990", "Nam", "092090001234"],
                ]
            },
        )
    )
    assert [p.line() for p in outcome.problems] == [
        "Lỗi: Trang Người, dòng 3, cột Mã người [DV1]: Trùng với dòng 2",
        "Lỗi: Trang Người, dòng 4, cột Số CCCD [092190001234]: Số CCCD trùng với dòng 2",
        "Lỗi: Trang Người, dòng 5, cột Mã người [DB1]: Mã người 'DB1' đã có với thông tin khác (Trần Quốc Trung, sinh 15/03/1990, CCCD 0**********4): hệ thống không ghi đè hồ sơ khi nhập; sửa trên trang hồ sơ",
        "Lỗi: Trang Người, dòng 6, cột Số CCCD [092090001234]: Số CCCD 092090001234 đã thuộc về một người khác (Trần Quốc Trung, mã DB1)",
    ]
    assert Person.objects.count() == 1


def test_an_event_for_an_unknown_person_or_unit_is_refused(tree, tmp_path):
    outcome = import_workbook(
        book(tmp_path / "a.xlsx", {"events": [EVENTS_HEADER, ["NOBODY", "admission", "", "01/01/2020", "CT.NK.01.01", "", None, ""], ["", "congress", "", "01/01/2020", "CT.ZZ", "", None, ""]]})
    )
    assert [p.line() for p in outcome.problems] == [
        "Lỗi: Trang Sự kiện, dòng 2, cột Mã người [NOBODY]: Không có người mã 'NOBODY' trong tệp hoặc trong phạm vi của bạn",
        "Lỗi: Trang Sự kiện, dòng 3, cột Mã đơn vị [CT.ZZ]: Không có đơn vị mã 'CT.ZZ' trong tệp hoặc trong phạm vi của bạn",
    ]


def test_merged_cells_are_refused_and_blank_rows_in_the_middle_are_skipped(tree, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "people"
    ws.append(PEOPLE_HEADER)
    ws.append(["DV1", "Lê Lan", "15/03/1990", "Nữ", ""])
    ws.append([])
    ws.append([None, None, None, None])
    ws.append(["DV2", "Lê Hoa", "15/03/1991", "Nữ", ""])
    wb.save(tmp_path / "blank.xlsx")
    outcome = import_workbook(tmp_path / "blank.xlsx")
    assert outcome.committed and outcome.summary() == "Đã nhập 2 người"

    ws.append(["DV3", "Lê Minh", "15/03/1990", "Nam", ""])
    ws.append([None, "Lê Minh", "15/03/1990", "Nam", ""])
    ws.merge_cells("A6:A7")
    wb.save(tmp_path / "merged.xlsx")
    outcome = import_workbook(tmp_path / "merged.xlsx")
    assert [p.line() for p in outcome.problems] == [
        "Lỗi: Trang Người, dòng 6 [A6:A7]: Ô gộp A6:A7: hãy bỏ gộp ô và điền giá trị vào từng dòng",
        "Lỗi: Trang Người, dòng 7, cột Mã người: Thiếu giá trị bắt buộc",
    ]
    assert Person.objects.count() == 2


def test_a_sheet_of_a_million_rows_is_refused_from_its_dimension_before_parsing(db, tmp_path):
    def body():
        yield SHEET_OPEN + b'<dimension ref="A1:A1048576"/><sheetData>'
        for start in range(1, 1_048_577, 65536):
            yield b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (n, n) for n in range(start, start + 65536))
        yield b"</sheetData></worksheet>"

    path = raw_book(tmp_path / "big.xlsx", "events", body(), compresslevel=1)
    outcome = import_workbook(path)
    assert only_error(outcome) == "Lỗi: Trang Sự kiện: Trang “events” có 1048576 dòng, vượt giới hạn 1000000 dòng: hãy chia tệp"
    assert outcome.rows_read == 0


def test_a_sheet_without_a_dimension_is_capped_while_streaming(db, tmp_path):
    header = inline_row(1, ["person_code", "kind", "effective_on", "unit_code"])
    rows = header + b"".join(inline_row(n, [" "]) for n in range(2, 151))
    path = raw_book(tmp_path / "long.xlsx", "events", SHEET_OPEN + b"<sheetData>" + rows + b"</sheetData></worksheet>")
    outcome = import_workbook(path, limits=Limits(max_rows=100))
    assert only_error(outcome) == "Lỗi: Trang Sự kiện: Trang “events” có hơn 100 dòng, vượt giới hạn 100 dòng: hãy chia tệp"


def test_a_zip_bomb_is_refused_from_the_central_directory_quickly_and_without_memory(db, tmp_path):
    zeros = bytes(1 << 20)

    def body():
        yield SHEET_OPEN + b"<sheetData>"
        for _ in range(200):  # 200 MB of zeros, about 200 KB compressed
            yield zeros
        yield b"</sheetData></worksheet>"

    path = raw_book(tmp_path / "bomb.xlsx", "people", body(), compresslevel=1)
    assert path.stat().st_size < 2 * 1024 * 1024
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    outcome = import_workbook(path)
    assert only_error(outcome) == "Lỗi: Tệp: Dữ liệu giải nén 200 MB vượt giới hạn 50 MB: hãy chia tệp nhỏ hơn"
    outcome = import_workbook(path, limits=Limits(max_uncompressed=1 << 40))
    assert only_error(outcome).startswith("Lỗi: Tệp: Thành phần xl/worksheets/sheet1.xml nén bất thường (tỉ lệ ")
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before < 100 * 1024  # KiB


def test_too_many_zip_entries_are_refused(db, tmp_path):
    path = raw_book(tmp_path / "many.xlsx", "people", SHEET_OPEN + b"<sheetData/></worksheet>", extra_parts={f"xl/media/x{i}.bin": b"x" for i in range(1000)})
    assert only_error(import_workbook(path)) == "Lỗi: Tệp: Tệp có 1005 thành phần, vượt giới hạn 1000"


def test_an_xml_entity_bomb_in_shared_strings_is_refused(db, tmp_path):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>&lol3;</t></si></sst>'
    )
    sheet = SHEET_OPEN + b'<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'
    path = raw_book(tmp_path / "laughs.xlsx", "people", sheet, extra_parts={"xl/sharedStrings.xml": laughs})
    line = only_error(import_workbook(path))
    assert line.startswith("Lỗi: Tệp: Không đọc được sổ Excel: tệp hỏng hoặc có nội dung không an toàn (")


def test_a_formula_gives_its_cached_value_and_is_never_evaluated(tree, tmp_path):
    header = inline_row(1, ["Mã người", "Họ và tên", "Ngày sinh", "Giới tính"])
    cached = '<row r="2"><c r="A2" t="str"><f>"DV"&amp;"1"</f><v>DV1</v></c><c r="B2" t="inlineStr"><is><t>Lê Lan</t></is></c><c r="C2" t="inlineStr"><is><t>15/03/1990</t></is></c><c r="D2" t="inlineStr"><is><t>Nữ</t></is></c></row>'.encode()
    uncached = '<row r="3"><c r="A3"><f>1+1</f></c><c r="B3" t="inlineStr"><is><t>Lê Hoa</t></is></c><c r="C3" t="inlineStr"><is><t>15/03/1990</t></is></c><c r="D3" t="inlineStr"><is><t>Nữ</t></is></c></row>'.encode()
    path = raw_book(tmp_path / "f.xlsx", "people", SHEET_OPEN + b"<sheetData>" + header + cached + uncached + b"</sheetData></worksheet>")
    outcome = import_workbook(path)
    assert [p.line() for p in outcome.problems] == [
        "Lỗi: Trang Người, dòng 3, cột Mã người [(công thức)]: Ô chứa công thức nhưng tệp không lưu giá trị đã tính "
        "(tệp do một chương trình không tính công thức tạo ra): mở tệp bằng Excel và lưu lại, hoặc thay công thức bằng giá trị",
    ]
    assert Person.objects.count() == 0
    outcome = import_workbook(raw_book(tmp_path / "g.xlsx", "people", SHEET_OPEN + b"<sheetData>" + header + cached + b"</sheetData></worksheet>"))
    assert outcome.committed
    assert Person.objects.get().code == "DV1"


def test_a_formula_without_a_cached_value_in_an_optional_column_is_refused_not_read_as_empty(tree, tmp_path):
    header = inline_row(1, ["Mã người", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc"])
    row = inline_row(2, ["DV1", "Lê Lan", "15/03/1990", "Nữ"])[:-len(b"</row>")] + b'<c r="E2" t="str"><f>Sheet2!A1</f></c></row>'
    outcome = import_workbook(raw_book(tmp_path / "f.xlsx", "people", SHEET_OPEN + b"<sheetData>" + header + row + b"</sheetData></worksheet>"))
    assert [(p.sheet, p.row, p.column, p.value) for p in outcome.problems] == [("people", 2, "ethnicity", "(công thức)")]
    assert outcome.problems[0].message.startswith("Ô chứa công thức nhưng tệp không lưu giá trị đã tính")
    assert not outcome.committed
    assert Person.objects.count() == 0


def _csv_folder(tmp_path, data: bytes):
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "people.csv").write_bytes(data)
    return folder


CSV_TEXT = "code,full_name,birth_date,sex\nDV1,Nguyễn Thị Hoa,15/03/1990,Nữ\n"


@pytest.mark.parametrize("data", [CSV_TEXT.encode(), b"\xef\xbb\xbf" + CSV_TEXT.encode()], ids=["utf8", "utf8-bom"])
def test_a_csv_folder_in_utf8_with_or_without_bom_is_read(db, tmp_path, data):
    outcome = import_workbook(_csv_folder(tmp_path, data))
    assert outcome.committed
    assert Person.objects.get().full_name == "Nguyễn Thị Hoa"


@pytest.mark.parametrize(
    ("encoding", "message"),
    [
        ("cp1258", "Tệp people.csv không phải mã UTF-8 (có thể là Windows-1258 hoặc Latin-1), dòng 2: hãy lưu lại dạng “CSV UTF-8”"),
        ("utf-16", "Tệp people.csv mã hóa UTF-16: hãy lưu lại dạng CSV UTF-8"),
    ],
)
def test_a_csv_in_another_encoding_is_refused_clearly(db, tmp_path, encoding, message):
    text = "code,full_name,birth_date,sex\nDV1,Lê Văn Nam,15/03/1990,Nam\n"
    outcome = import_workbook(_csv_folder(tmp_path, text.encode(encoding)))
    assert only_error(outcome) == f"Lỗi: Trang Người: {message}"
    assert Person.objects.count() == 0


def test_a_latin1_csv_is_refused_clearly(db, tmp_path):
    outcome = import_workbook(_csv_folder(tmp_path, "code,full_name,birth_date,sex\nDV1,Hélène Dupré,15/03/1990,Nữ\n".encode("latin-1", "replace")))
    assert "không phải mã UTF-8" in only_error(outcome)
    assert Event.objects.count() == 0
