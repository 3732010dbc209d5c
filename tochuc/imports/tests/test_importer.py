"""The importer: all or nothing, every error at once, idempotent, within the user's scope."""

from __future__ import annotations

import datetime as dt

from tochuc.accounts.scoping import scope_for
from tochuc.core.models import AuditEntry
from tochuc.events.models import Event, Membership, PersonState
from tochuc.imports.importer import import_workbook
from tochuc.imports.tests.books import EVENTS_HEADER, PEOPLE_HEADER, book, simple_book
from tochuc.people.models import Person
from tochuc.reports.models import Target
from tochuc.units.models import Unit
from tochuc.units.selectors import version_on


def lines(outcome):
    return [p.line() for p in outcome.problems]


def counts():
    return (Person.objects.count(), Event.objects.count(), Unit.objects.count(), Target.objects.count(), Membership.objects.count())


def test_it_imports_people_and_their_events_through_the_services(tree, tmp_path):
    outcome = import_workbook(simple_book(tmp_path / "a.xlsx"))
    assert lines(outcome) == []
    assert outcome.committed
    assert outcome.summary() == "Đã nhập 2 người, 4 sự kiện"
    hoa = Person.objects.get(code="DV001")
    assert (hoa.full_name, hoa.birth_date, hoa.sex, hoa.national_id) == ("Nguyễn Thị Hoa", dt.date(1990, 3, 15), "female", "092190001234")
    assert PersonState.objects.get(person=hoa).status == "full"
    nam = Person.objects.get(code="DV002")
    assert list(Membership.objects.filter(person=nam).order_by("valid_from").values_list("unit__code", "valid_to")) == [
        ("CT.NK.01.02", dt.date(2018, 6, 1)),
        ("CT.NK.01.01", None),
    ]
    assert list(Event.objects.filter(person=nam).order_by("effective_on").values_list("kind", "subtype", "source")) == [
        ("admission", "", "import"),
        ("transfer", "official", "import"),
    ]
    assert AuditEntry.objects.filter(action="person.create").count() == 2


def test_reimporting_the_same_file_changes_nothing_and_says_so(tree, tmp_path):
    path = simple_book(tmp_path / "a.xlsx")
    import_workbook(path)
    before = counts()
    outcome = import_workbook(path)
    assert lines(outcome) == []
    assert outcome.summary() == "Không có gì thay đổi: mọi dòng đã có trong cơ sở dữ liệu (2 người, 4 sự kiện)"
    assert counts() == before


def test_a_later_file_adds_only_its_new_rows(tree, tmp_path):
    import_workbook(simple_book(tmp_path / "a.xlsx"))
    later = simple_book(
        tmp_path / "b.xlsx",
        extra_people=[["DV003", "Phạm Thu Trang", "02/09/1995", "Nữ", ""]],
        extra_events=[
            ["DV003", "Kết nạp đảng viên", "", "03/02/2020", "CT.NK.02", "", None, ""],
            ["DV001", "Đánh giá, xếp loại chất lượng", "Hoàn thành tốt nhiệm vụ", "31/12/2020", "CT.NK.01.01", "", "2020", ""],
        ],
    )
    outcome = import_workbook(later)
    assert lines(outcome) == []
    assert outcome.summary() == "Đã nhập 1 người, 2 sự kiện; đã có, giữ nguyên: 2 người, 4 sự kiện"
    assert Person.objects.count() == 3
    assert Event.objects.filter(person__isnull=False).count() == 6
    assert Event.objects.get(kind="evaluation").year == 2020


def test_one_bad_row_writes_nothing_and_every_error_is_listed_at_once(tree, tmp_path):
    path = simple_book(
        tmp_path / "bad.xlsx",
        extra_people=[["DV003", "Phạm Thu Trang", "31/02/2017", "Nữ", ""]],
        extra_events=[
            ["DV009", "Kết nạp đảng viên", "", "03/02/2020", "CT.NK.01.01", "", None, ""],
            ["DV002", "Kết nạp đảng viên", "", "03/02/2021", "CT.NK.01.01", "", None, ""],
            ["DV001", "Khen thưởng", "Huy hiệu 30 năm tuổi Đảng", "03/02/2021", "CT.XX", "", None, ""],
        ],
    )
    before = counts()
    outcome = import_workbook(path)
    assert not outcome.committed
    assert lines(outcome) == [
        "Lỗi: Trang Người, dòng 4, cột Ngày sinh [31/02/2017]: Ngày không hợp lệ: '31/02/2017' (dùng dd/mm/yyyy hoặc yyyy-mm-dd)",
        "Lỗi: Trang Sự kiện, dòng 6, cột Mã người [DV009]: Không có người mã 'DV009' trong tệp hoặc trong phạm vi của bạn",
        "Lỗi: Trang Sự kiện, dòng 8, cột Mã đơn vị [CT.XX]: Không có đơn vị mã 'CT.XX' trong tệp hoặc trong phạm vi của bạn",
        "Lỗi: Trang Sự kiện, dòng 7, cột Loại sự kiện [admission]: Lê Văn Nam đang là đảng viên dự bị từ 01/06/2018: không thể kết nạp lần nữa",
    ]
    assert outcome.summary() == "Không nhập gì: 4 lỗi cần sửa (đã đọc 10 dòng)"
    assert counts() == before


def test_a_dry_run_judges_everything_and_writes_nothing(tree, tmp_path):
    before = counts()
    outcome = import_workbook(simple_book(tmp_path / "a.xlsx"), dry_run=True)
    assert lines(outcome) == []
    assert outcome.summary() == "Kiểm tra thử, chưa ghi gì: sẽ nhập 2 người, 4 sự kiện"
    assert not outcome.committed
    assert counts() == before


def test_units_are_founded_parents_first_and_unit_events_and_targets_follow(tree, tmp_path):
    path = book(
        tmp_path / "units.xlsx",
        {
            "units": [
                ["code", "name", "kind", "parent_code", "founded_on"],
                ["CT.NK.01.04", "Chi bộ khu vực 4", "Chi bộ trực thuộc", "CT.NK.01.03", "01/01/2020"],
                ["CT.NK.01.03", "Đảng bộ bộ phận khu vực 3", "grassroots_committee", "CT.NK.01", "01/01/2020"],
            ],
            "events": [
                ["person_code", "kind", "subtype", "effective_on", "unit_code", "to_unit_code", "note", "term"],
                ["", "Đổi tên", "", "01/06/2021", "CT.NK.01.04", "", "Chi bộ khu vực 4A", ""],
                ["", "congress", "", "10/07/2020", "CT.NK.01.03", "", "", "2020-2025"],
            ],
            "targets": [["unit_code", "year", "metric", "value"], ["CT.NK.01.03", "2021", "members.admitted", 12]],
        },
    )
    outcome = import_workbook(path)
    assert lines(outcome) == []
    assert outcome.summary() == "Đã nhập 2 đơn vị, 2 sự kiện, 1 chỉ tiêu"
    unit = Unit.objects.get(code="CT.NK.01.04")
    assert version_on(unit, dt.date(2020, 6, 1)).name == "Chi bộ khu vực 4"
    assert version_on(unit, dt.date(2022, 1, 1)).name == "Chi bộ khu vực 4A"
    assert version_on(unit, dt.date(2022, 1, 1)).parent.code == "CT.NK.01.03"
    assert list(Target.objects.values_list("unit__code", "year", "metric", "value")) == [("CT.NK.01.03", 2021, "members.admitted", 12)]
    assert import_workbook(path).summary() == "Không có gì thay đổi: mọi dòng đã có trong cơ sở dữ liệu (2 đơn vị, 2 sự kiện, 1 chỉ tiêu)"


def test_a_warning_blocks_until_confirmed_by_its_code_or_for_the_whole_file(tree, tmp_path):
    # the ID's year digits (85) do not match the birth year 1990: a warning (DOMAIN-RULES §10)
    rows = [PEOPLE_HEADER + ["Xác nhận cảnh báo"], ["DV001", "Nguyễn Thị Hoa", "15/03/1990", "Nữ", "092185001234", ""]]
    outcome = import_workbook(book(tmp_path / "w.xlsx", {"Người": rows}))
    assert lines(outcome) == [
        "Cảnh báo chưa xác nhận: Trang Người, dòng 2, cột Số CCCD [092185001234]: Chữ số thứ 5–6 của CCCD (85) không khớp với năm sinh 1990 — cảnh báo [person.national_id]: ghi mã này vào cột “Xác nhận cảnh báo” hoặc chọn xác nhận mọi cảnh báo"
    ]
    assert Person.objects.count() == 0
    rows[1][5] = "person.national_id"
    outcome = import_workbook(book(tmp_path / "w2.xlsx", {"Người": rows}))
    assert outcome.committed and Person.objects.count() == 1
    assert [p.level for p in outcome.problems] == ["confirmed"]
    rows[1][0], rows[1][4], rows[1][5] = "DV002", "092185001235", ""
    outcome = import_workbook(book(tmp_path / "w3.xlsx", {"Người": rows}), confirm_all=True)
    assert outcome.committed
    assert [p.level for p in outcome.problems] == ["confirmed"]


def test_a_district_specialist_imports_only_inside_the_district(personas, tmp_path):
    Person.objects.create(code="CR1", full_name="Người Cái Răng", search_key="nguoi cai rang", birth_date=dt.date(1980, 1, 1), sex="male", registered_unit=Unit.objects.get(code="CT.CR.01.01"))
    PersonState.objects.create(person=Person.objects.get(code="CR1"), unit=Unit.objects.get(code="CT.CR.01.01"))
    path = book(
        tmp_path / "scope.xlsx",
        {
            "units": [
                ["code", "name", "kind", "parent_code", "founded_on"],
                ["CT.CR.01.02", "Chi bộ khu vực 5", "branch", "CT.CR.01", "01/01/2020"],
                ["CT.X", "Đơn vị mới", "district", "", "01/01/2020"],
                ["CT.NK.01.05", "Chi bộ khu vực 5", "branch", "CT.NK.01", "01/01/2020"],
            ],
            "people": [PEOPLE_HEADER, ["CR1", "Người Cái Răng", "01/01/1980", "Nam", ""]],
            "events": [EVENTS_HEADER, ["CR1", "Khen thưởng", "badge_30", "01/01/2020", "CT.CR.01.01", "", None, ""]],
        },
    )
    outcome = import_workbook(path, by=personas.district_specialist, scope=scope_for(personas.district_specialist))
    assert lines(outcome) == [
        "Lỗi: Trang Đơn vị, dòng 2, cột Mã đơn vị cấp trên [CT.CR.01]: Không có đơn vị mã 'CT.CR.01' trong tệp hoặc trong phạm vi của bạn",
        "Lỗi: Trang Đơn vị, dòng 3, cột Mã đơn vị cấp trên: Chỉ được tạo đơn vị dưới một đơn vị trong phạm vi của bạn: cần mã đơn vị cấp trên",
        "Lỗi: Trang Người, dòng 2, cột Mã người [CR1]: Mã người 'CR1' đã được dùng",
        "Lỗi: Trang Sự kiện, dòng 2, cột Mã đơn vị [CT.CR.01.01]: Sự kiện phải liên quan tới một đơn vị trong phạm vi của bạn",
    ]
    assert not Unit.objects.filter(code="CT.NK.01.05").exists()
