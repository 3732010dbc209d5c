"""The posts sheet: the cadre post catalogue and its standards, through the cadre services."""

from __future__ import annotations

import datetime as dt

from openpyxl import load_workbook

from tochuc.cadres.models import Post, PostStandard
from tochuc.cadres.services import post_create, post_standard_set
from tochuc.core.models import AuditEntry
from tochuc.imports.exporter import export_workbook, unit_scope
from tochuc.imports.importer import import_workbook
from tochuc.imports.tests.books import EVENTS_HEADER, PEOPLE_HEADER, book
from tochuc.imports.tests.test_export import empty_database
from tochuc.units.models import Unit

POSTS_HEADER = [
    "Mã đơn vị", "Tên chức danh", "Cấp quản lý", "Chức danh cấp ủy", "Tiêu chuẩn áp dụng từ", "Tiêu chuẩn áp dụng đến",
    "Lý luận chính trị", "Quản lý nhà nước", "Chuyên môn", "Quốc phòng – an ninh", "Căn cứ tiêu chuẩn",
]
PROVINCIAL = "Diện Ban Thường vụ Tỉnh ủy, Thành ủy quản lý"
DISTRICT = "Diện Ban Thường vụ cấp ủy cấp trên cơ sở quản lý"
SECRETARY = ["CT.NK", "Bí thư Quận ủy", PROVINCIAL, "Có", "04/08/2017", "", "Cao cấp, cử nhân", "Chuyên viên chính", "Đại học", "Đối tượng 2", "QĐ 89-QĐ/TW"]
SECRETARY_2022 = ["CT.NK", "Bí thư Quận ủy", PROVINCIAL, "Có", "01/01/2022", "", "Cao cấp, cử nhân", "Chuyên viên chính", "Thạc sĩ", "Đối tượng 2", "QĐ 214-QĐ/TW"]
CHIEF = ["CT.NK", "Chánh Văn phòng Quận ủy", "district", "Không", "", "", "", "", "", "", ""]


def lines(outcome):
    return [p.line() for p in outcome.problems]


def catalogue():
    posts = sorted(Post.objects.values_list("unit__code", "name", "managing_level", "is_party_committee"))
    standards = sorted(
        PostStandard.objects.values_list(
            "post__name", "valid_from", "valid_to", "political_theory", "state_management", "professional", "defense_group", "source"
        )
    )
    return posts, standards


def posts_book(path, *rows):
    return book(path, {"Chức danh": [POSTS_HEADER, *rows]})


def test_the_posts_sheet_creates_posts_and_their_standards_through_the_cadre_services(tree, tmp_path):
    outcome = import_workbook(posts_book(tmp_path / "p.xlsx", SECRETARY_2022, SECRETARY, CHIEF))
    assert lines(outcome) == []
    assert outcome.summary() == "Đã nhập 2 chức danh, 2 tiêu chuẩn chức danh"
    assert catalogue() == (
        [("CT.NK", "Bí thư Quận ủy", "provincial", True), ("CT.NK", "Chánh Văn phòng Quận ủy", "district", False)],
        [
            # the rows come in any order; the earlier open standard ends where the later one starts
            ("Bí thư Quận ủy", dt.date(2017, 8, 4), dt.date(2022, 1, 1), 3, 2, 3, 2, "QĐ 89-QĐ/TW"),
            ("Bí thư Quận ủy", dt.date(2022, 1, 1), None, 3, 2, 4, 2, "QĐ 214-QĐ/TW"),
        ],
    )
    assert AuditEntry.objects.filter(action="post.create").count() == 2
    assert AuditEntry.objects.filter(action="post.standard").count() == 2


def test_reimporting_the_posts_changes_nothing_and_says_so(tree, tmp_path):
    path = posts_book(tmp_path / "p.xlsx", SECRETARY, SECRETARY_2022, CHIEF)
    import_workbook(path)
    before, audits = catalogue(), AuditEntry.objects.count()
    outcome = import_workbook(path)
    assert lines(outcome) == []
    assert outcome.summary() == "Không có gì thay đổi: mọi dòng đã có trong cơ sở dữ liệu (2 chức danh, 2 tiêu chuẩn chức danh)"
    assert catalogue() == before
    assert AuditEntry.objects.count() == audits


def test_a_post_already_in_the_catalogue_is_matched_by_unit_and_name_whatever_the_case(tree, tmp_path):
    post_create(by=None, unit=tree["CT.NK"], name="Bí thư quận ủy", managing_level="provincial", is_party_committee=True)
    outcome = import_workbook(posts_book(tmp_path / "p.xlsx", SECRETARY))
    assert lines(outcome) == []
    assert outcome.summary() == "Đã nhập 1 tiêu chuẩn chức danh; đã có, giữ nguyên: 1 chức danh"
    assert Post.objects.count() == 1


def test_bad_post_rows_write_nothing_and_name_row_column_and_value(tree, tmp_path):
    existing = post_create(by=None, unit=tree["CT.CR"], name="Bí thư Quận ủy", managing_level="provincial", is_party_committee=True)
    post_standard_set(by=None, post=existing, valid_from=dt.date(2017, 8, 4), political_theory=3)
    path = posts_book(
        tmp_path / "bad.xlsx",
        CHIEF,
        ["CT.XX", "Phó Bí thư", PROVINCIAL, "Có", "", "", "", "", "", "", ""],
        ["CT.NK", "Trưởng ban Tổ chức", "Diện trung ương", "Có", "", "", "", "", "", "", ""],
        ["CT.NK", "Trưởng ban Tuyên giáo", PROVINCIAL, "có lẽ", "", "", "", "", "", "", ""],
        ["CT.NK", "Trưởng ban Dân vận", PROVINCIAL, "Có", "", "", "Cao cấp, cử nhân", "", "", "", ""],
        ["CT.NK", "Chánh văn phòng quận ủy", PROVINCIAL, "Không", "", "", "", "", "", "", ""],
        ["CT.CR", "Bí thư Quận ủy", DISTRICT, "Có", "", "", "", "", "", "", ""],
        ["CT.CR", "bí thư quận ủy", PROVINCIAL, "Có", "04/08/2017", "", "Trung cấp", "", "", "", ""],
        ["CT.NK", "Phó Chánh Văn phòng", DISTRICT, "Không", "01/01/2020", "01/01/2019", "", "", "", "", ""],
    )
    outcome = import_workbook(path)
    assert lines(outcome) == [
        "Lỗi: Trang Chức danh, dòng 4, cột Cấp quản lý [Diện trung ương]: Giá trị 'Diện trung ương' không có trong danh sách: chọn một trong "
        "“Diện Bộ Chính trị, Ban Bí thư quản lý”, “Diện Ban Thường vụ Tỉnh ủy, Thành ủy quản lý”, "
        "“Diện Ban Thường vụ cấp ủy cấp trên cơ sở quản lý”, “Diện cấp ủy cơ sở quản lý”, “Diện cơ quan, đơn vị quản lý”",
        "Lỗi: Trang Chức danh, dòng 5, cột Chức danh cấp ủy [có lẽ]: Giá trị 'có lẽ' không hợp lệ: ghi Có hoặc Không",
        "Lỗi: Trang Chức danh, dòng 6, cột Tiêu chuẩn áp dụng từ: Dòng có tiêu chuẩn nhưng thiếu ngày “Tiêu chuẩn áp dụng từ”",
        "Lỗi: Trang Chức danh, dòng 3, cột Mã đơn vị [CT.XX]: Không có đơn vị mã 'CT.XX' trong tệp hoặc trong phạm vi của bạn",
        f"Lỗi: Trang Chức danh, dòng 7, cột Cấp quản lý [{PROVINCIAL}]: Chức danh 'Chánh văn phòng quận ủy' của đơn vị CT.NK "
        "đã ghi ở dòng 2 với cấp quản lý hoặc chức danh cấp ủy khác",
        f"Lỗi: Trang Chức danh, dòng 9, cột Cấp quản lý [{PROVINCIAL}]: Chức danh 'bí thư quận ủy' của đơn vị CT.CR "
        "đã ghi ở dòng 8 với cấp quản lý hoặc chức danh cấp ủy khác",
        f"Lỗi: Trang Chức danh, dòng 8, cột Cấp quản lý [{DISTRICT}]: Chức danh 'Bí thư Quận ủy' của đơn vị CT.CR đã có với thông tin khác "
        f"({PROVINCIAL}, chức danh cấp ủy: có): hệ thống không ghi đè khi nhập; sửa trên trang chức danh",
        "Lỗi: Trang Chức danh, dòng 10, cột Tiêu chuẩn áp dụng đến [01/01/2019]: Ngày kết thúc 01/01/2019 phải sau ngày áp dụng 01/01/2020",
    ]
    assert not outcome.committed
    assert Post.objects.count() == 1 and PostStandard.objects.count() == 1


def test_a_standard_that_differs_from_the_stored_one_is_refused_not_overwritten(tree, tmp_path):
    import_workbook(posts_book(tmp_path / "p.xlsx", SECRETARY))
    changed = [*SECRETARY[:8], "Thạc sĩ", *SECRETARY[9:]]
    outcome = import_workbook(posts_book(tmp_path / "q.xlsx", changed))
    assert lines(outcome) == [
        "Lỗi: Trang Chức danh, dòng 2, cột Tiêu chuẩn áp dụng từ [04/08/2017]: Chức danh 'Bí thư Quận ủy' của đơn vị CT.NK "
        "đã có tiêu chuẩn áp dụng từ 04/08/2017 với nội dung khác: hệ thống không ghi đè khi nhập; sửa trên trang chức danh",
    ]
    assert PostStandard.objects.get().professional == 3


def test_a_decision_naming_an_imported_post_is_judged_against_it(tree, tmp_path):
    path = book(
        tmp_path / "d.xlsx",
        {
            "Chức danh": [POSTS_HEADER, CHIEF],
            "Người": [PEOPLE_HEADER, ["DV001", "Nguyễn Thị Hoa", "15/03/1980", "Nữ", ""]],
            "Sự kiện": [
                [*EVENTS_HEADER, "Chức vụ"],
                ["DV001", "Kết nạp đảng viên", "", "19/05/2005", "CT.NK.01.01", "", None, "", ""],
                ["DV001", "Quyết định về cán bộ", "Chỉ định", "01/03/2021", "CT.NK", "", None, "", "Chánh Văn phòng Quận ủy"],
            ],
        },
    )
    outcome = import_workbook(path)
    assert lines(outcome) == [
        "Lỗi: Trang Sự kiện, dòng 3, cột Phân loại [designation]: Chỉ định chỉ áp dụng cho chức danh cấp ủy: chức danh "
        "Chánh Văn phòng Quận ủy của Nguyễn Thị Hoa không phải chức danh cấp ủy "
        "(Điều lệ Đảng; Quy chế bầu cử trong Đảng (Quy định 244-QĐ/TW, 2014))",
    ]
    assert Post.objects.count() == 0


def test_posts_go_through_the_export_and_back_into_an_empty_database(tree, tmp_path):
    secretary = post_create(by=None, unit=tree["CT.NK"], name="Bí thư Quận ủy", managing_level="provincial", is_party_committee=True)
    post_standard_set(by=None, post=secretary, valid_from=dt.date(2017, 8, 4), political_theory=3, state_management=2, professional=3, source="QĐ 89-QĐ/TW")
    post_standard_set(by=None, post=secretary, valid_from=dt.date(2022, 1, 1), political_theory=3, professional=4, defense_group=2)
    post_create(by=None, unit=tree["CT.CR.01"], name="Bí thư Đảng ủy phường", managing_level="district", is_party_committee=True)
    post_create(by=None, unit=tree["CT.CR.01"], name="=cmd|' /C calc'!A0", managing_level="agency")
    before = catalogue()
    path = tmp_path / "city.xlsx"
    export_workbook(unit_scope(Unit.objects.get(code="CT")), str(path))
    ws = load_workbook(path, read_only=True)["posts"]
    exported = [row for row in ws.iter_rows(values_only=True)]
    assert exported[0] == tuple(POSTS_HEADER)
    assert exported[1:3] == [
        ("CT.CR.01", "'=cmd|' /C calc'!A0", "Diện cơ quan, đơn vị quản lý", "Không", None, None, None, None, None, None, None),
        ("CT.CR.01", "Bí thư Đảng ủy phường", DISTRICT, "Có", None, None, None, None, None, None, None),
    ]
    assert [d.date() for d in exported[3][4:6]] == [dt.date(2017, 8, 4), dt.date(2022, 1, 1)]
    PostStandard.objects.all().delete()
    Post.objects.all().delete()
    empty_database()
    outcome = import_workbook(path)
    assert lines(outcome) == []
    assert outcome.summary() == "Đã nhập 9 đơn vị, 3 chức danh, 2 tiêu chuẩn chức danh"
    assert catalogue() == before
    assert import_workbook(path).summary() == (
        "Không có gì thay đổi: mọi dòng đã có trong cơ sở dữ liệu (9 đơn vị, 3 chức danh, 2 tiêu chuẩn chức danh)"
    )


def test_the_template_has_the_posts_sheet_with_drop_down_lists_and_instructions(tmp_path):
    import io

    from tochuc.imports.template import write_template

    out = io.BytesIO()
    write_template(out)
    wb = load_workbook(io.BytesIO(out.getvalue()))
    assert [c.value for c in wb["Chức danh"][1]] == POSTS_HEADER
    lists = {str(dv.sqref): dv.formula1 for dv in wb["Chức danh"].data_validations.dataValidation}
    assert lists["C2:C100000"] == "='Danh mục'!$E$2:$E$6"
    assert lists["D2:D100000"] == "='Danh mục'!$F$2:$F$3"
    assert [c.value for c in wb["Danh mục"]["J"]][:5] == ["posts.defense_group", "Đối tượng 1", "Đối tượng 2", "Đối tượng 3", "Đối tượng 4"]
    help_rows = list(wb["Hướng dẫn"].iter_rows(values_only=True))
    assert ("Chức danh", "Chức danh cấp ủy", "is_party_committee", None,
            "Chọn trong danh sách; Có hoặc Không (để trống là Không); chỉ định, chuẩn y chỉ dùng cho chức danh cấp ủy", "Có") in help_rows
