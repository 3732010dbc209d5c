"""The workbook contract (DESIGN.md §5): sheets, columns, their Vietnamese labels and types.

A header cell may hold the key or the label; a sheet may be named by its key or its label. The
importer, the template, the exporter and the error report all read this one description.
"""

from __future__ import annotations

from dataclasses import dataclass

from tochuc.lib.vntext import normalize_name

TEXT, CODE, DATE, INT, ENUM, JSON, ID = "text", "code", "date", "int", "enum", "json", "id"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    type: str = TEXT
    required: bool = False  # the value may not be empty
    header_required: bool = False  # the column must be present
    help: str = ""
    example: str = ""


@dataclass(frozen=True)
class Sheet:
    key: str
    label: str
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


CONFIRM = Column(
    "confirm", "Xác nhận cảnh báo",
    help="Mã các cảnh báo đã xem và chấp nhận cho dòng này, cách nhau bằng dấu phẩy (hoặc dùng tùy chọn xác nhận mọi cảnh báo khi nhập)",
    example="",
)

UNITS = Sheet(
    "units", "Đơn vị",
    (
        Column("code", "Mã đơn vị", CODE, True, True, "Mã ổn định, duy nhất; chữ, số, dấu chấm, gạch ngang", "CT.NK.01.03"),
        Column("name", "Tên đơn vị", TEXT, True, True, "Tên khi thành lập (đổi tên về sau ghi ở trang Sự kiện)", "Chi bộ khu vực 3"),
        Column("kind", "Loại đơn vị", ENUM, True, True, "Chọn trong danh sách", "Chi bộ trực thuộc"),
        Column("parent_code", "Mã đơn vị cấp trên", CODE, False, True, "Để trống cho đơn vị cao nhất; đơn vị trong tệp hoặc đã có", "CT.NK.01"),
        Column("founded_on", "Ngày thành lập", DATE, True, True, "dd/mm/yyyy hoặc yyyy-mm-dd", "01/01/2020"),
    ),
)

PEOPLE = Sheet(
    "people", "Người",
    (
        Column("code", "Mã người", CODE, True, True, "Mã ổn định, duy nhất", "DV000123"),
        Column("full_name", "Họ và tên", TEXT, True, True, "", "Nguyễn Thị Hoa"),
        Column("birth_date", "Ngày sinh", DATE, True, True, "dd/mm/yyyy hoặc yyyy-mm-dd", "15/03/1990"),
        Column("sex", "Giới tính", ENUM, True, True, "Nam hoặc Nữ", "Nữ"),
        Column("ethnicity", "Dân tộc", TEXT, False, False, "", "Kinh"),
        Column("religion", "Tôn giáo", TEXT, False, False, "", "Không"),
        Column("national_id", "Số CCCD", ID, False, False, "12 chữ số; định dạng cột là Văn bản để giữ số 0 ở đầu", "092190001234"),
        Column("hometown", "Quê quán", TEXT, False, False, "", "Cần Thơ"),
        Column("education", "Trình độ học vấn", TEXT, False, False, "", "12/12"),
        Column("profession", "Chuyên môn, nghề nghiệp", TEXT, False, False, "", "Giáo viên"),
        Column("registered_unit_code", "Mã đơn vị quản lý hồ sơ", CODE, False, False, "Đơn vị giữ hồ sơ khi người này chưa có sự kiện nào", "CT.NK.01.03"),
        CONFIRM,
    ),
)

EVENTS = Sheet(
    "events", "Sự kiện",
    (
        Column("person_code", "Mã người", CODE, False, True, "Để trống cho sự kiện của đơn vị", "DV000123"),
        Column("kind", "Loại sự kiện", ENUM, True, True, "Chọn trong danh sách", "Kết nạp đảng viên"),
        Column("subtype", "Phân loại", ENUM, False, False, "Theo loại sự kiện (mã hoặc tên)", ""),
        Column("effective_on", "Ngày hiệu lực", DATE, True, True, "dd/mm/yyyy hoặc yyyy-mm-dd", "19/05/2020"),
        Column("end_on", "Ngày kết thúc", DATE, False, False, "Đào tạo, miễn sinh hoạt", ""),
        Column("unit_code", "Mã đơn vị", CODE, False, True, "Đơn vị nơi sự kiện diễn ra (chuyển sinh hoạt: nơi đi)", "CT.NK.01.03"),
        Column("to_unit_code", "Mã đơn vị đến", CODE, False, False, "Chuyển sinh hoạt: nơi đến; chuyển trực thuộc, sáp nhập: đơn vị mới", ""),
        Column("position", "Chức vụ", TEXT, False, False, "", ""),
        Column("term", "Nhiệm kỳ", TEXT, False, False, "Ví dụ 2020-2025", ""),
        Column("year", "Năm", INT, False, False, "Năm được đánh giá", ""),
        Column("decision_no", "Số quyết định", TEXT, False, False, "", "125-QĐ/ĐU"),
        Column("decided_on", "Ngày quyết định", DATE, False, False, "", "12/05/2020"),
        Column("decided_by", "Cơ quan quyết định", TEXT, False, False, "", "Đảng ủy phường Tân An"),
        Column("note", "Ghi chú", TEXT, False, False, "Đổi tên đơn vị: tên mới", ""),
        Column("details", "Chi tiết (JSON)", JSON, False, False, "Thông tin thêm dạng JSON, ví dụ {\"status\": \"full\"} khi chuyển đến từ ngoài hệ thống", ""),
        CONFIRM,
    ),
)

TARGETS = Sheet(
    "targets", "Chỉ tiêu",
    (
        Column("unit_code", "Mã đơn vị", CODE, True, True, "", "CT.NK"),
        Column("year", "Năm", INT, True, True, "", "2026"),
        Column("metric", "Chỉ số", CODE, True, True, "Mã số liệu, ví dụ members.admitted", "members.admitted"),
        Column("value", "Chỉ tiêu", INT, True, True, "Số nguyên không âm", "120"),
    ),
)

# The cadre post catalogue (chức danh) and its standards: one row per post, or one per standard
# period of a post (the post's columns repeat). Identity: unit and post name (case-insensitive),
# then a standard by its start date. Enumerations are the labels of tochuc.cadres.models.
POSTS = Sheet(
    "posts", "Chức danh",
    (
        Column("unit_code", "Mã đơn vị", CODE, True, True, "Đơn vị có chức danh: trong tệp hoặc đã có", "CT.NK"),
        Column("name", "Tên chức danh", TEXT, True, True, "Duy nhất trong đơn vị; sự kiện ghi đúng tên này ở cột “Chức vụ” được gắn với chức danh", "Bí thư Đảng ủy"),
        Column("managing_level", "Cấp quản lý", ENUM, True, True, "Chọn trong danh sách (diện cấp nào quản lý)", "Diện Ban Thường vụ Tỉnh ủy, Thành ủy quản lý"),
        Column("is_party_committee", "Chức danh cấp ủy", ENUM, False, False, "Có hoặc Không (để trống là Không); chỉ định, chuẩn y chỉ dùng cho chức danh cấp ủy", "Có"),
        Column("valid_from", "Tiêu chuẩn áp dụng từ", DATE, False, False, "Để trống nếu chức danh chưa có tiêu chuẩn; mỗi giai đoạn tiêu chuẩn một dòng", "01/01/2022"),
        Column("valid_to", "Tiêu chuẩn áp dụng đến", DATE, False, False, "Không kể ngày này; để trống nếu còn áp dụng", ""),
        Column("political_theory", "Lý luận chính trị", ENUM, False, False, "Trình độ tối thiểu; để trống là không yêu cầu", "Cao cấp, cử nhân"),
        Column("state_management", "Quản lý nhà nước", ENUM, False, False, "Ngạch tối thiểu; để trống là không yêu cầu", "Chuyên viên chính"),
        Column("professional", "Chuyên môn", ENUM, False, False, "Trình độ tối thiểu; để trống là không yêu cầu", "Đại học"),
        Column("defense_group", "Quốc phòng – an ninh", ENUM, False, False, "Nhóm đối tượng bồi dưỡng; để trống là không yêu cầu", "Đối tượng 2"),
        Column("source", "Căn cứ tiêu chuẩn", TEXT, False, False, "Văn bản quy định tiêu chuẩn", "Quy định 89-QĐ/TW"),
    ),
)

SHEETS: tuple[Sheet, ...] = (UNITS, POSTS, PEOPLE, EVENTS, TARGETS)
SHEET_BY_KEY = {s.key: s for s in SHEETS}
# The column the error report adds; ignored silently when a corrected report is imported again.
ERROR_COLUMN = "Lỗi"


def _norm(text: str) -> str:
    return normalize_name(text).casefold()


def find_sheet(name: str) -> Sheet | None:
    wanted = _norm(name)
    for sheet in SHEETS:
        if wanted in (sheet.key, _norm(sheet.label)):
            return sheet
    return None


def find_column(sheet: Sheet, header: str) -> Column | None:
    wanted = _norm(header)
    for column in sheet.columns:
        if wanted in (column.key, _norm(column.label)):
            return column
    return None
