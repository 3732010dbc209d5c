"""Places of the demo deployments: Cần Thơ (DOMAIN-RULES.md §9), Hậu Giang, Sóc Trăng, and the
34 provinces of the national benchmark.

Commune and ward names are those of the delta before the 2025 reorganisation, as far as known;
the grouping into the new 2025 communes is approximate (the demo needs the shape, not the exact
resolution NQ 1668/NQ-UBTVQH15).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DistrictSpec:
    code: str
    name: str  # without the "Đảng bộ" prefix, e.g. "quận Ninh Kiều"
    urban: bool
    wards: tuple[str, ...]  # commune-level units (phường / xã / thị trấn), with their prefix
    # (founded on, code of the district it was split from), for districts set up later
    split_from: tuple[str, str] | None = None


@dataclass(frozen=True)
class BlocSpec:
    code: str
    name: str  # full party name
    flavour: str  # what its grassroots organisations are (PROFESSIONS key)
    size: int  # grassroots organisations at city scale
    members: int  # rough share of the membership (weight)


@dataclass(frozen=True)
class ProvinceSpec:
    code: str
    old_name: str  # name before the rename (or the only name)
    name: str
    renamed_on: str | None  # ISO date of the rename to `name`
    id_code: str  # CCCD birth-registration code (TT 07/2016)
    districts: tuple[DistrictSpec, ...]
    blocs: tuple[BlocSpec, ...]
    agencies: tuple[tuple[str, str], ...] = field(default=())  # (code suffix, name) of provincial departments


def _w(prefix: str, names: str) -> tuple[str, ...]:
    return tuple(f"{prefix} {n.strip()}" for n in names.split(",") if n.strip())


CAN_THO = ProvinceSpec(
    code="CT",
    old_name="Đảng bộ tỉnh Cần Thơ",
    name="Đảng bộ thành phố Cần Thơ",
    renamed_on="2004-01-01",  # Cần Thơ became a centrally governed city on 1/1/2004
    id_code="092",
    districts=(
        DistrictSpec("NK", "quận Ninh Kiều", True, _w("phường", "Tân An, An Hòa, Cái Khế, An Nghiệp, An Cư, An Hội, Thới Bình, An Khánh, Hưng Lợi, An Bình, Xuân Khánh")),
        DistrictSpec("BT", "quận Bình Thủy", True, _w("phường", "Bình Thủy, Trà An, Trà Nóc, Thới An Đông, An Thới, Bùi Hữu Nghĩa, Long Hòa, Long Tuyền")),
        DistrictSpec("CR", "quận Cái Răng", True, _w("phường", "Lê Bình, Hưng Phú, Hưng Thạnh, Ba Láng, Thường Thạnh, Phú Thứ, Tân Phú")),
        DistrictSpec("OM", "quận Ô Môn", True, _w("phường", "Châu Văn Liêm, Thới Hòa, Thới Long, Long Hưng, Thới An, Phước Thới, Trường Lạc")),
        DistrictSpec("TN", "quận Thốt Nốt", True, _w("phường", "Thốt Nốt, Thới Thuận, Thuận An, Tân Lộc, Trung Nhứt, Thạnh Hòa, Trung Kiên, Tân Hưng, Thuận Hưng")),
        DistrictSpec("PD", "huyện Phong Điền", False, _w("thị trấn", "Phong Điền") + _w("xã", "Nhơn Ái, Giai Xuân, Tân Thới, Trường Long, Mỹ Khánh, Nhơn Nghĩa")),
        DistrictSpec("CD", "huyện Cờ Đỏ", False, _w("thị trấn", "Cờ Đỏ") + _w("xã", "Thới Hưng, Đông Hiệp, Đông Thắng, Thạnh Phú, Trung An, Trung Hưng, Trung Thạnh, Thới Xuân"), ("2008-12-24", "OM")),
        DistrictSpec("TL", "huyện Thới Lai", False, _w("thị trấn", "Thới Lai") + _w("xã", "Thới Thạnh, Tân Thạnh, Xuân Thắng, Đông Bình, Đông Thuận, Thới Tân, Trường Thắng, Định Môn, Trường Thành, Trường Xuân, Trường Xuân A, Trường Xuân B"), ("2008-12-24", "OM")),
        DistrictSpec("VT", "huyện Vĩnh Thạnh", False, _w("thị trấn", "Vĩnh Thạnh, Thạnh An") + _w("xã", "Thạnh Thắng, Thạnh Lợi, Thạnh Qưới, Thạnh Lộc, Thạnh Mỹ, Thạnh Tiến, Thạnh An, Vĩnh Trinh, Vĩnh Bình")),
    ),
    blocs=(
        BlocSpec("DCD", "Đảng bộ Khối Cơ quan Dân Chính Đảng thành phố", "agency", 44, 5600),
        BlocSpec("DN", "Đảng bộ Khối Doanh nghiệp thành phố", "enterprise", 34, 2600),
        BlocSpec("KCN", "Đảng bộ Các Khu chế xuất và công nghiệp thành phố", "enterprise", 14, 700),
        BlocSpec("DHCT", "Đảng bộ Trường Đại học Cần Thơ", "university", 16, 1500),
        BlocSpec("DHYD", "Đảng bộ Trường Đại học Y Dược Cần Thơ", "health", 7, 600),
        BlocSpec("QS", "Đảng bộ Quân sự thành phố", "military", 12, 1800),
        BlocSpec("CA", "Đảng bộ Công an thành phố", "police", 14, 2800),
    ),
    agencies=(
        ("SNV", "Sở Nội vụ"), ("STC", "Sở Tài chính"), ("SKH", "Sở Kế hoạch và Đầu tư"),
        ("SGD", "Sở Giáo dục và Đào tạo"), ("SYT", "Sở Y tế"), ("STP", "Sở Tư pháp"),
    ),
)

HAU_GIANG = ProvinceSpec(
    code="HG",
    old_name="Đảng bộ tỉnh Hậu Giang",
    name="Đảng bộ tỉnh Hậu Giang",
    renamed_on=None,
    id_code="093",
    districts=(
        DistrictSpec("VTH", "thành phố Vị Thanh", True, _w("phường", "I, III, IV, V, VII") + _w("xã", "Vị Tân, Hỏa Lựu, Tân Tiến, Hỏa Tiến")),
        DistrictSpec("NB", "thành phố Ngã Bảy", True, _w("phường", "Ngã Bảy, Lái Hiếu, Hiệp Thành, Hiệp Lợi") + _w("xã", "Đại Thành, Tân Thành")),
        DistrictSpec("LM", "thị xã Long Mỹ", True, _w("phường", "Thuận An, Bình Thạnh, Vĩnh Tường, Trà Lồng") + _w("xã", "Long Trị, Long Phú, Tân Phú")),
        DistrictSpec("CTA", "huyện Châu Thành A", False, _w("thị trấn", "Một Ngàn, Bảy Ngàn, Cái Tắc, Rạch Gòi") + _w("xã", "Tân Hòa, Trường Long Tây, Thạnh Xuân, Tân Phú Thạnh")),
        DistrictSpec("CTH", "huyện Châu Thành", False, _w("thị trấn", "Ngã Sáu, Mái Dầm") + _w("xã", "Đông Thạnh, Phú An, Đông Phú, Phú Hữu, Phú Tân")),
        DistrictSpec("PH", "huyện Phụng Hiệp", False, _w("thị trấn", "Cây Dương, Kinh Cùng, Búng Tàu") + _w("xã", "Tân Bình, Bình Thành, Thạnh Hòa, Long Thạnh, Phụng Hiệp, Hòa An, Hòa Mỹ, Phương Bình")),
        DistrictSpec("VTU", "huyện Vị Thủy", False, _w("thị trấn", "Nàng Mau") + _w("xã", "Vị Trung, Vị Thủy, Vị Thắng, Vĩnh Thuận Tây, Vĩnh Trung, Vĩnh Tường, Vị Đông, Vị Thanh, Vị Bình")),
        DistrictSpec("LMH", "huyện Long Mỹ", False, _w("xã", "Vĩnh Viễn, Vĩnh Viễn A, Lương Tâm, Lương Nghĩa, Xà Phiên, Thuận Hưng, Thuận Hòa")),
    ),
    blocs=(
        BlocSpec("DCD", "Đảng bộ Khối Cơ quan – Doanh nghiệp tỉnh Hậu Giang", "agency", 40, 3600),
        BlocSpec("QS", "Đảng bộ Quân sự tỉnh Hậu Giang", "military", 10, 1200),
        BlocSpec("CA", "Đảng bộ Công an tỉnh Hậu Giang", "police", 12, 1800),
    ),
    agencies=(("SNV", "Sở Nội vụ tỉnh Hậu Giang"), ("STC", "Sở Tài chính tỉnh Hậu Giang")),
)

SOC_TRANG = ProvinceSpec(
    code="ST",
    old_name="Đảng bộ tỉnh Sóc Trăng",
    name="Đảng bộ tỉnh Sóc Trăng",
    renamed_on=None,
    id_code="094",
    districts=(
        DistrictSpec("STR", "thành phố Sóc Trăng", True, _w("phường", "1, 2, 3, 4, 5, 6, 7, 8, 9, 10")),
        DistrictSpec("VC", "thị xã Vĩnh Châu", True, _w("phường", "1, 2, Khánh Hòa, Vĩnh Phước") + _w("xã", "Lai Hòa, Vĩnh Hải, Vĩnh Tân, Lạc Hòa, Hòa Đông, Vĩnh Hiệp")),
        DistrictSpec("NN", "thị xã Ngã Năm", True, _w("phường", "1, 2, 3") + _w("xã", "Long Bình, Mỹ Bình, Mỹ Quới, Vĩnh Quới, Tân Long")),
        DistrictSpec("KS", "huyện Kế Sách", False, _w("thị trấn", "Kế Sách, An Lạc Thôn") + _w("xã", "Xuân Hòa, Phong Nẫm, An Lạc Tây, Trinh Phú, Ba Trinh, Thới An Hội, Nhơn Mỹ, Kế Thành, Kế An, Đại Hải, An Mỹ")),
        DistrictSpec("MT", "huyện Mỹ Tú", False, _w("thị trấn", "Huỳnh Hữu Nghĩa") + _w("xã", "Long Hưng, Hưng Phú, Mỹ Hương, Mỹ Tú, Mỹ Phước, Thuận Hưng, Mỹ Thuận, Phú Mỹ")),
        DistrictSpec("CLD", "huyện Cù Lao Dung", False, _w("thị trấn", "Cù Lao Dung") + _w("xã", "An Thạnh 1, An Thạnh Tây, An Thạnh Đông, Đại Ân 1, An Thạnh 2, An Thạnh 3, An Thạnh Nam")),
        DistrictSpec("LP", "huyện Long Phú", False, _w("thị trấn", "Long Phú, Đại Ngãi") + _w("xã", "Song Phụng, Hậu Thạnh, Long Đức, Trường Khánh, Phú Hữu, Tân Hưng, Châu Khánh, Tân Thạnh, Long Phú")),
        DistrictSpec("MX", "huyện Mỹ Xuyên", False, _w("thị trấn", "Mỹ Xuyên") + _w("xã", "Đại Tâm, Tham Đôn, Thạnh Phú, Ngọc Đông, Thạnh Quới, Hòa Tú 1, Gia Hòa 1, Ngọc Tố, Gia Hòa 2, Hòa Tú 2")),
        DistrictSpec("TT", "huyện Thạnh Trị", False, _w("thị trấn", "Phú Lộc, Hưng Lợi") + _w("xã", "Lâm Tân, Thạnh Tân, Lâm Kiết, Tuân Tức, Vĩnh Thành, Thạnh Trị, Vĩnh Lợi, Châu Hưng")),
        DistrictSpec("TDE", "huyện Trần Đề", False, _w("thị trấn", "Trần Đề, Lịch Hội Thượng") + _w("xã", "Đại Ân 2, Liêu Tú, Lịch Hội Thượng, Viên An, Viên Bình, Tài Văn, Thạnh Thới An, Thạnh Thới Thuận, Trung Bình")),
        DistrictSpec("CTS", "huyện Châu Thành", False, _w("thị trấn", "Châu Thành") + _w("xã", "Hồ Đắc Kiện, Phú Tâm, Thuận Hòa, Phú Tân, Thiện Mỹ, An Hiệp, An Ninh")),
    ),
    blocs=(
        BlocSpec("DCD", "Đảng bộ Khối Cơ quan và Doanh nghiệp tỉnh Sóc Trăng", "agency", 45, 4200),
        BlocSpec("QS", "Đảng bộ Quân sự tỉnh Sóc Trăng", "military", 12, 1500),
        BlocSpec("CA", "Đảng bộ Công an tỉnh Sóc Trăng", "police", 14, 2200),
    ),
    agencies=(("SNV", "Sở Nội vụ tỉnh Sóc Trăng"), ("STC", "Sở Tài chính tỉnh Sóc Trăng")),
)

# The 34 provinces after NQ 202/2025/QH15, with a CCCD code of one of their old provinces.
NATIONAL: tuple[tuple[str, str, str], ...] = (
    ("HN", "thành phố Hà Nội", "001"), ("HUE", "thành phố Huế", "046"), ("LCH", "tỉnh Lai Châu", "012"),
    ("DB", "tỉnh Điện Biên", "011"), ("SL", "tỉnh Sơn La", "014"), ("LS", "tỉnh Lạng Sơn", "020"),
    ("QNI", "tỉnh Quảng Ninh", "022"), ("TH", "tỉnh Thanh Hóa", "038"), ("NA", "tỉnh Nghệ An", "040"),
    ("HT", "tỉnh Hà Tĩnh", "042"), ("CB", "tỉnh Cao Bằng", "004"), ("TQ", "tỉnh Tuyên Quang", "008"),
    ("LC", "tỉnh Lào Cai", "010"), ("TN", "tỉnh Thái Nguyên", "019"), ("PT", "tỉnh Phú Thọ", "025"),
    ("BN", "tỉnh Bắc Ninh", "024"), ("HY", "tỉnh Hưng Yên", "033"), ("HP", "thành phố Hải Phòng", "031"),
    ("NB", "tỉnh Ninh Bình", "037"), ("QT", "tỉnh Quảng Trị", "044"), ("DN", "thành phố Đà Nẵng", "048"),
    ("QNG", "tỉnh Quảng Ngãi", "051"), ("GL", "tỉnh Gia Lai", "064"), ("KH", "tỉnh Khánh Hòa", "056"),
    ("LD", "tỉnh Lâm Đồng", "068"), ("DL", "tỉnh Đắk Lắk", "066"), ("HCM", "thành phố Hồ Chí Minh", "079"),
    ("DNA", "tỉnh Đồng Nai", "075"), ("TNI", "tỉnh Tây Ninh", "072"), ("CT", "thành phố Cần Thơ", "092"),
    ("VL", "tỉnh Vĩnh Long", "086"), ("DT", "tỉnh Đồng Tháp", "087"), ("CM", "tỉnh Cà Mau", "096"),
    ("AG", "tỉnh An Giang", "089"),
)

GENERIC_WARD_NAMES = ["An Bình", "An Phú", "Bình Minh", "Đông Hòa", "Hòa Bình", "Hòa Thạnh", "Long Hòa", "Long Thạnh", "Mỹ Hòa", "Phú Hòa", "Phước Long", "Tân An", "Tân Bình", "Tân Hiệp", "Tân Phú", "Thạnh Lợi", "Thạnh Mỹ", "Thuận An", "Trung Hòa", "Vĩnh Phúc", "Xuân An", "Quang Trung", "Hùng Vương", "Lê Lợi", "Trần Phú", "Nguyễn Trãi"]


def generic_province(code: str, place: str, id_code: str, districts: int) -> ProvinceSpec:
    """A province of the national benchmark: realistic shape, generated district names."""
    specs = []
    for d in range(districts):
        urban = d < districts // 3
        prefix = "phường" if urban else "xã"
        wards = tuple(f"{prefix} {GENERIC_WARD_NAMES[(d * 7 + i) % len(GENERIC_WARD_NAMES)]} {d + 1}" for i in range(10))
        kind = "thị xã" if urban else "huyện"
        specs.append(DistrictSpec(f"D{d + 1:02d}", f"{kind} số {d + 1}", urban, wards))
    short = place.split(" ", 1)[1] if " " in place else place
    return ProvinceSpec(
        code=code,
        old_name=f"Đảng bộ {place}",
        name=f"Đảng bộ {place}",
        renamed_on=None,
        id_code=id_code,
        districts=tuple(specs),
        blocs=(
            BlocSpec("DCD", f"Đảng bộ Khối Cơ quan {short}", "agency", 45, 5000),
            BlocSpec("DN", f"Đảng bộ Khối Doanh nghiệp {short}", "enterprise", 30, 2500),
            BlocSpec("QS", f"Đảng bộ Quân sự {short}", "military", 12, 1800),
            BlocSpec("CA", f"Đảng bộ Công an {short}", "police", 14, 2600),
        ),
        agencies=(("SNV", f"Sở Nội vụ {short}"), ("STC", f"Sở Tài chính {short}")),
    )
