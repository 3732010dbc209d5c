"""Reference data for synthetic people and places: names, ethnicities, professions, places.

Frequencies are rough shares in the Mekong delta (Kinh majority, Khmer and Hoa minorities);
they shape the demo, they are not statistics.
"""

from __future__ import annotations

import random

# (family name, weight): the common Vietnamese family names, Huỳnh frequent in the south.
FAMILY_NAMES: list[tuple[str, int]] = [
    ("Nguyễn", 31), ("Trần", 11), ("Lê", 10), ("Phạm", 7), ("Huỳnh", 6), ("Võ", 5), ("Phan", 4),
    ("Trương", 2), ("Bùi", 2), ("Đặng", 2), ("Đỗ", 2), ("Ngô", 2), ("Hồ", 2), ("Dương", 1),
    ("Đinh", 1), ("Lâm", 1), ("Châu", 1), ("Tô", 1), ("Lý", 1), ("Mai", 1), ("Cao", 1),
    ("Lưu", 1), ("Quách", 1), ("Thái", 1), ("Đoàn", 1),
]
KHMER_FAMILY_NAMES = ["Thạch", "Sơn", "Kim", "Danh", "Lâm", "Chau", "Thị"]
HOA_FAMILY_NAMES = ["Lâm", "Quách", "Lý", "Trương", "Hứa", "Tăng", "Mã", "Lưu"]

MALE_MIDDLE = ["Văn", "Văn", "Văn", "Minh", "Hoàng", "Quốc", "Thanh", "Hữu", "Công", "Đức", "Ngọc", "Thành", "Tấn", "Trung"]
FEMALE_MIDDLE = ["Thị", "Thị", "Thị", "Ngọc", "Thanh", "Kim", "Mỹ", "Thu", "Bích", "Hồng", "Phương", "Minh"]

MALE_GIVEN = [
    "An", "Bình", "Cường", "Dũng", "Duy", "Đạt", "Hải", "Hiếu", "Hòa", "Hoàng", "Hùng", "Huy",
    "Khang", "Khải", "Khoa", "Kiên", "Lâm", "Long", "Lộc", "Lợi", "Luân", "Minh", "Nam", "Nghĩa",
    "Nhân", "Phát", "Phong", "Phúc", "Phương", "Quang", "Quân", "Sang", "Sơn", "Tài", "Tâm", "Tân",
    "Thắng", "Thành", "Thiện", "Thịnh", "Toàn", "Trí", "Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Vũ",
    "Hậu", "Tuyên", "Trọng", "Khánh", "Bảo", "Định", "Đông", "Hưng",
]
FEMALE_GIVEN = [
    "Anh", "Bích", "Châu", "Chi", "Diễm", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền",
    "Hoa", "Hồng", "Hương", "Huyền", "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngân",
    "Ngọc", "Nhung", "Nhi", "Oanh", "Phượng", "Quyên", "Tâm", "Thảo", "Thanh", "Thủy", "Thư",
    "Trang", "Trinh", "Tuyết", "Uyên", "Vân", "Vy", "Xuân", "Yến", "Diệu", "Kiều", "Ly",
]
KHMER_MALE_GIVEN = ["Sơn", "Sa Rinh", "Sóc", "Chanh", "Thươl", "Sà Phol", "Ny", "Kha", "Rết"]
KHMER_FEMALE_GIVEN = ["Sa Ry", "Sà Rươne", "Thị Mỹ", "Chanh Thu", "Sô Phia", "Kim Thoa", "Sóc Ly"]

# (ethnicity, weight, religion weights)
ETHNICITIES: list[tuple[str, int]] = [("Kinh", 950), ("Khmer", 35), ("Hoa", 13), ("Chăm", 1), ("Tày", 1)]
RELIGIONS: dict[str, list[tuple[str, int]]] = {
    "Kinh": [("Không", 880), ("Phật giáo", 70), ("Công giáo", 25), ("Phật giáo Hòa Hảo", 15), ("Cao Đài", 10)],
    "Khmer": [("Phật giáo Nam tông Khmer", 80), ("Không", 20)],
    "Hoa": [("Không", 70), ("Phật giáo", 30)],
    "Chăm": [("Hồi giáo", 60), ("Không", 40)],
    "Tày": [("Không", 100)],
}

EDUCATION_LEVELS = ["9/12", "12/12", "Trung cấp", "Cao đẳng", "Đại học", "Thạc sĩ", "Tiến sĩ"]

# Professions by the kind of unit where the person is a member.
PROFESSIONS: dict[str, list[str]] = {
    "ward": [
        "Hưu trí", "Hưu trí", "Hưu trí", "Kinh doanh", "Buôn bán nhỏ", "Nội trợ", "Công chức phường",
        "Cán bộ khu vực", "Lao động tự do", "Công nhân", "Nông dân", "Giáo viên nghỉ hưu",
    ],
    "rural": ["Nông dân", "Nông dân", "Hưu trí", "Cán bộ xã", "Giáo viên", "Kinh doanh", "Công chức xã", "Thợ mộc"],
    "school": ["Giáo viên", "Giáo viên", "Giáo viên", "Hiệu trưởng", "Kế toán", "Nhân viên văn phòng"],
    "health": ["Bác sĩ", "Điều dưỡng", "Dược sĩ", "Kỹ thuật viên y tế", "Nhân viên hành chính"],
    "agency": ["Công chức", "Công chức", "Chuyên viên", "Kế toán", "Kỹ sư", "Luật sư", "Thanh tra viên"],
    "enterprise": ["Kỹ sư", "Công nhân", "Kế toán", "Nhân viên kinh doanh", "Quản lý", "Kỹ thuật viên"],
    "university": ["Giảng viên", "Giảng viên", "Nghiên cứu viên", "Sinh viên", "Chuyên viên", "Bác sĩ"],
    "military": ["Sĩ quan quân đội", "Quân nhân chuyên nghiệp", "Công nhân quốc phòng"],
    "police": ["Sĩ quan công an", "Hạ sĩ quan công an", "Công nhân công an"],
}

EDUCATION_BY_PROFESSION_KIND: dict[str, list[tuple[str, int]]] = {
    "ward": [("9/12", 25), ("12/12", 45), ("Trung cấp", 12), ("Cao đẳng", 6), ("Đại học", 12)],
    "rural": [("9/12", 40), ("12/12", 40), ("Trung cấp", 10), ("Đại học", 10)],
    "school": [("Cao đẳng", 20), ("Đại học", 70), ("Thạc sĩ", 10)],
    "health": [("Trung cấp", 20), ("Cao đẳng", 15), ("Đại học", 50), ("Thạc sĩ", 12), ("Tiến sĩ", 3)],
    "agency": [("Đại học", 75), ("Thạc sĩ", 20), ("Tiến sĩ", 2), ("Cao đẳng", 3)],
    "enterprise": [("12/12", 30), ("Trung cấp", 15), ("Cao đẳng", 15), ("Đại học", 35), ("Thạc sĩ", 5)],
    "university": [("Đại học", 25), ("Thạc sĩ", 45), ("Tiến sĩ", 30)],
    "military": [("12/12", 30), ("Cao đẳng", 20), ("Đại học", 45), ("Thạc sĩ", 5)],
    "police": [("12/12", 20), ("Trung cấp", 20), ("Đại học", 55), ("Thạc sĩ", 5)],
}

# Hometowns: mostly the delta provinces, some from elsewhere.
HOMETOWNS: list[tuple[str, int]] = [
    ("Cần Thơ", 60), ("Hậu Giang", 8), ("Sóc Trăng", 6), ("Vĩnh Long", 5), ("An Giang", 5),
    ("Kiên Giang", 3), ("Đồng Tháp", 3), ("Bạc Liêu", 2), ("Cà Mau", 2), ("Tiền Giang", 2),
    ("Bến Tre", 2), ("Trà Vinh", 2), ("Nghệ An", 1), ("Hà Tĩnh", 1), ("Thanh Hóa", 1),
    ("Quảng Nam", 1), ("Thừa Thiên Huế", 1), ("Hà Nội", 1), ("TP Hồ Chí Minh", 2),
]
# CCCD birth-registration province codes for those hometowns (TT 07/2016, Annex 1).
PROVINCE_CODE = {
    "Cần Thơ": "092", "Hậu Giang": "093", "Sóc Trăng": "094", "Vĩnh Long": "086", "An Giang": "089",
    "Kiên Giang": "091", "Đồng Tháp": "087", "Bạc Liêu": "095", "Cà Mau": "096", "Tiền Giang": "082",
    "Bến Tre": "083", "Trà Vinh": "084", "Nghệ An": "040", "Hà Tĩnh": "042", "Thanh Hóa": "038",
    "Quảng Nam": "049", "Thừa Thiên Huế": "046", "Hà Nội": "001", "TP Hồ Chí Minh": "079",
}


def weighted(rng: random.Random, options: list[tuple[str, int]]) -> str:
    total = sum(w for _, w in options)
    x = rng.random() * total
    for value, w in options:
        x -= w
        if x < 0:
            return value
    return options[-1][0]


def person_name(rng: random.Random, sex: str, ethnicity: str) -> str:
    female = sex == "female"
    if ethnicity == "Khmer" and rng.random() < 0.8:
        family = rng.choice(KHMER_FAMILY_NAMES)
        given = rng.choice(KHMER_FEMALE_GIVEN if female else KHMER_MALE_GIVEN)
        return f"{family} {given}" if rng.random() < 0.5 else f"{family} {'Thị' if female else 'Văn'} {given}"
    family = rng.choice(HOA_FAMILY_NAMES) if ethnicity == "Hoa" else weighted(rng, FAMILY_NAMES)
    middle = rng.choice(FEMALE_MIDDLE if female else MALE_MIDDLE)
    given = rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)
    if rng.random() < 0.15:
        # a double middle name ("Nguyễn Thị Ngọc Hân", "Trần Văn Minh Tuấn") is common in the south
        second = rng.choice(FEMALE_MIDDLE[3:] if female else MALE_MIDDLE[3:])
        if second != middle:
            middle = f"{middle} {second}"
    return f"{family} {middle} {given}"
