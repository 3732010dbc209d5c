"""The unit tree of one province and its history, as unit events, plus the cadre posts.

History modelled: founding from 1975; districts split off in 2008; the province renamed in 2004;
small branch mergers and a disbanded branch; congresses every term; yearly unit evaluations from
2018; and the 2025 reorganisation (QĐ 294-QĐ/TW, in force 1/7/2025): ward committees merged into
new commune/ward committees directly under the province, other grassroots organisations moved
under them or directly under the province, districts and their agencies dissolved, blocs
renamed or merged, and (province scale) old provinces merged into the new one.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from dataclasses import dataclass

from tochuc.demo.model import CadreSpec, CadreTerm, Ev, Post, PUnit, rand_date, retirement_on
from tochuc.demo.places import BlocSpec, DistrictSpec, ProvinceSpec
from tochuc.lib.dates import add_months, add_years

START = dt.date(1975, 5, 1)
REORG = dt.date(2025, 7, 1)  # QĐ 294-QĐ/TW: no district level from 1/7/2025
EVALUATION_FROM = 2018  # QĐ 132-QĐ/TW (2018): the four levels and the 20% cap
EVALUATION_SHARES = (("excellent", 0.145), ("good", 0.78), ("complete", 0.065), ("incomplete", 0.01))

# Congress terms (Charter Art. 24.3; a branch under a grassroots committee holds two in five years
# until QĐ 294-2025 piloted one in five).
COMMITTEE_TERMS = (2005, 2010, 2015, 2020, 2025)
BRANCH_TERMS = ((2015, "2015-2017"), (2017, "2017-2020"), (2020, "2020-2022"), (2022, "2022-2025"), (2025, "2025-2030"))
ROMAN = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI"]

# Weight of a member unit in the admissions, by flavour.
FLAVOUR_WEIGHT = {
    "ward": 14, "rural": 12, "school": 12, "health": 18, "agency": 14, "enterprise": 10,
    "university": 15, "military": 20, "police": 20,
}

AP_NAMES = ["Thới Hòa", "Mỹ Ái", "Tân Lợi", "Nhơn Thuận", "Thạnh Hưng", "Phú Lợi", "Long Châu", "Bình Phó", "Thới Thạnh", "Trường Hòa", "Vĩnh Thuận", "Đông Thạnh", "Tân Phước", "Mỹ Hòa", "Phước Lộc", "An Lợi"]
SCHOOLS = ("Trường Tiểu học", "Trường THCS", "Trường THPT", "Trường Mầm non")
HEALTH = ("Trạm Y tế", "Trung tâm Y tế", "Bệnh viện Đa khoa")
DISTRICT_AGENCIES = (
    "Cơ quan Ủy ban nhân dân", "Phòng Giáo dục và Đào tạo", "Phòng Tài chính – Kế hoạch", "Phòng Nội vụ",
    "Cơ quan Quận ủy", "Chi cục Thuế", "Kho bạc Nhà nước", "Tòa án nhân dân", "Viện kiểm sát nhân dân",
    "Chi cục Thi hành án dân sự", "Phòng Tài nguyên và Môi trường", "Ban Quản lý chợ",
)
ENTERPRISES = (
    "Công ty Cổ phần Thủy sản", "Công ty TNHH Xây dựng", "Công ty Cổ phần Lương thực", "Công ty Cấp thoát nước",
    "Công ty Cổ phần Du lịch", "Công ty Điện lực", "Ngân hàng Nông nghiệp chi nhánh", "Công ty Xổ số kiến thiết",
    "Công ty Cổ phần Dược", "Công ty Vận tải thủy", "Hợp tác xã Nông nghiệp", "Công ty Cổ phần Cơ khí",
)
CITY_AGENCIES = (
    "Văn phòng Thành ủy", "Ban Tổ chức Thành ủy", "Ban Tuyên giáo Thành ủy", "Ủy ban Kiểm tra Thành ủy",
    "Văn phòng UBND thành phố", "Sở Nội vụ", "Sở Tài chính", "Sở Kế hoạch và Đầu tư", "Sở Giáo dục và Đào tạo",
    "Sở Y tế", "Sở Tư pháp", "Sở Công Thương", "Sở Xây dựng", "Sở Giao thông vận tải", "Sở Tài nguyên và Môi trường",
    "Sở Nông nghiệp và Phát triển nông thôn", "Sở Lao động – Thương binh và Xã hội", "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Thông tin và Truyền thông", "Sở Khoa học và Công nghệ", "Thanh tra thành phố", "Báo Cần Thơ",
    "Đài Phát thanh và Truyền hình", "Liên đoàn Lao động thành phố", "Hội Nông dân thành phố", "Thành đoàn",
)
FACULTIES = (
    "Khoa Công nghệ", "Khoa Kinh tế", "Khoa Nông nghiệp", "Khoa Sư phạm", "Khoa Luật", "Khoa Thủy sản",
    "Khoa Khoa học Tự nhiên", "Khoa Công nghệ thông tin", "Khoa Môi trường", "Khoa Khoa học Xã hội",
    "Khoa Y", "Khoa Dược", "Khoa Răng Hàm Mặt", "Khoa Điều dưỡng", "Bệnh viện Trường", "Khối Văn phòng",
)
MILITARY = ("Trung đoàn Bộ binh", "Ban Chỉ huy Quân sự", "Tiểu đoàn Huấn luyện", "Phòng Tham mưu", "Phòng Chính trị", "Phòng Hậu cần – Kỹ thuật")
POLICE = (
    "Phòng Cảnh sát hình sự", "Phòng Cảnh sát giao thông", "Phòng An ninh chính trị nội bộ", "Phòng Tham mưu",
    "Phòng Cảnh sát PCCC và CNCH", "Phòng Cảnh sát quản lý hành chính", "Trại tạm giam", "Công an",
)
SUB_BRANCHES = {
    "enterprise": ("Chi bộ Văn phòng", "Chi bộ Phân xưởng", "Chi bộ Kinh doanh", "Chi bộ Kỹ thuật", "Chi bộ Chi nhánh"),
    "agency": ("Chi bộ Văn phòng", "Chi bộ Phòng Tổ chức", "Chi bộ Phòng Nghiệp vụ", "Chi bộ Thanh tra", "Chi bộ Phòng Kế hoạch"),
    "military": ("Chi bộ Đại đội", "Chi bộ Cơ quan", "Chi bộ Trung đội", "Chi bộ Kho"),
    "police": ("Chi bộ Đội", "Chi bộ Đội Tổng hợp", "Chi bộ Đội Nghiệp vụ", "Chi bộ Cơ quan"),
    "university": ("Chi bộ Bộ môn", "Chi bộ Sinh viên", "Chi bộ Văn phòng Khoa", "Chi bộ Phòng thí nghiệm"),
    "health": ("Chi bộ Khoa Nội", "Chi bộ Khoa Ngoại", "Chi bộ Khoa Nhi", "Chi bộ Hành chính"),
    "school": ("Chi bộ Giáo viên", "Chi bộ Hành chính"),
}


@dataclass(frozen=True)
class Shape:
    """How much of a province to build."""

    members: int  # current members aimed at
    districts: int | None = None  # None: every district of the spec
    wards: int | None = None  # per district; None: every ward
    others: int = 22  # other grassroots organisations per district
    branches: tuple[int, int] = (10, 16)  # branches per ward committee
    blocs: int | None = None
    bloc_factor: float = 1.0
    agencies: int | None = None


class ProvincePlan:
    """Units, unit events and cadre posts of one province, up to `until`."""

    def __init__(
        self,
        spec: ProvinceSpec,
        shape: Shape,
        *,
        rng: random.Random,
        first_unit_id: int,
        until: dt.date,
        merge_into: PUnit | None = None,
        above: PUnit | None = None,
    ) -> None:
        self.spec, self.shape, self.rng, self.until = spec, shape, rng, until
        self.above = above  # the national root the province sits under (not one of its units)
        self.next_id = first_unit_id
        self.units: dict[int, PUnit] = {}
        self.events: list[Ev] = []
        self.posts: list[tuple[Post, dt.date, dt.date | None]] = []
        self.merge_into = merge_into
        self.decision_seq = 0
        self._build()
        self.new_root = merge_into.id if merge_into is not None and self.until >= REORG else self.root.id
        if until >= REORG:
            self._reorganise()
        self._congresses()
        self._unit_discipline()
        self._unit_evaluations()
        self.member_units = [u for u in self.units.values() if u.weight > 0]
        self.agency_ids = [u.id for u in self.units.values() if u.kind == "agency"]
        self._index_member_units()

    # --- building ------------------------------------------------------------------------

    def decision_no(self, abbr: str) -> str:
        self.decision_seq += 1
        return f"{self.decision_seq % 900 + 10}-QĐ/{abbr}"

    def add(
        self, code: str, name: str, kind: str, parent: PUnit | None, founded: dt.date, *,
        flavour: str = "", district: PUnit | None = None, issuer: str = "", abbr: str = "ĐU",
    ) -> PUnit:
        if parent is not None and founded < parent.founded:
            founded = parent.founded
        unit = PUnit(
            id=self.next_id, code=code, name=name, kind=kind, parent=parent.id if parent else None, founded=founded,
            flavour=flavour, district=district.id if district else None, issuer=issuer, issuer_abbr=abbr,
        )
        unit.parents.append((founded, unit.parent))
        if kind in ("branch", "grassroots_branch") and flavour:
            unit.weight = FLAVOUR_WEIGHT.get(flavour, 10) * (0.5 + self.rng.random())
        self.next_id += 1
        self.units[unit.id] = unit
        signer = parent.issuer if parent is not None and parent.issuer else "Ban Chấp hành Trung ương"
        self.events.append(
            Ev("founding", founded, unit=unit.id, to_unit=unit.parent, details={"name": name, "unit_kind": kind},
               decision_no=self.decision_no(parent.issuer_abbr if parent else "TW"), decided_on=founded - dt.timedelta(days=7),
               decided_by=signer)
        )
        return unit

    def reparent(self, unit: PUnit, parent: PUnit, on: dt.date, signer: PUnit) -> None:
        unit.parents.append((on, parent.id))
        self.events.append(
            Ev("reparent", on, unit=unit.id, to_unit=parent.id, decision_no=self.decision_no(signer.issuer_abbr),
               decided_on=on - dt.timedelta(days=10), decided_by=signer.issuer)
        )

    def merge(self, unit: PUnit, into: PUnit, on: dt.date, signer: PUnit) -> None:
        unit.ended, unit.merged_into = on, into.id
        self.events.append(
            Ev("merger", on, unit=unit.id, to_unit=into.id, decision_no=self.decision_no(signer.issuer_abbr),
               decided_on=on - dt.timedelta(days=10), decided_by=signer.issuer)
        )

    def dissolve(self, unit: PUnit, on: dt.date, signer: PUnit) -> None:
        unit.ended = on
        self.events.append(
            Ev("dissolution", on, unit=unit.id, decision_no=self.decision_no(signer.issuer_abbr),
               decided_on=on - dt.timedelta(days=10), decided_by=signer.issuer)
        )

    def _build(self) -> None:
        spec, rng = self.spec, self.rng
        root = self.add(spec.code, spec.old_name, "provincial", self.above, START, issuer=f"Ban Thường vụ {'Thành' if 'thành phố' in spec.name else 'Tỉnh'} ủy", abbr="TU")
        self.root = root
        if spec.renamed_on and dt.date.fromisoformat(spec.renamed_on) <= self.until:
            on = dt.date.fromisoformat(spec.renamed_on)
            self.events.append(Ev("rename", on, unit=root.id, note=spec.name, decision_no="45-QĐ/TW", decided_on=on - dt.timedelta(days=20), decided_by="Bộ Chính trị"))
            root.name = spec.name
        place = spec.name.replace("Đảng bộ ", "")
        self.cadre_units(root, place, START, level=1)
        for i, (suffix, name) in enumerate(spec.agencies[: self.shape.agencies]):
            sở = self.add(f"{spec.code}.{suffix}", name, "agency", root, rand_date(rng, dt.date(1976, 1, 1), dt.date(1990, 1, 1)), issuer=root.issuer, abbr="TU")
            self.add_post(sở, "Giám đốc Sở" if name.startswith("Sở") else "Thủ trưởng", party=False, appointed=True, level=2)
            if i < 3:
                self.add_post(sở, "Phó Giám đốc Sở" if name.startswith("Sở") else "Phó Thủ trưởng", party=False, appointed=True, level=2)
        self.add_post(root, "Bí thư Thành ủy" if "thành phố" in spec.name else "Bí thư Tỉnh ủy", party=True, appointed=False, level=1)
        self.add_post(root, "Trưởng Ban Tổ chức Thành ủy" if "thành phố" in spec.name else "Trưởng Ban Tổ chức Tỉnh ủy", party=True, appointed=False, level=1)
        self.add_post(root, "Phó Trưởng Ban Tổ chức", party=False, appointed=True, level=2)

        districts = spec.districts[: self.shape.districts] if self.shape.districts else spec.districts
        by_code: dict[str, PUnit] = {}
        for d in districts:
            by_code[d.code] = self._district(d, root, by_code)
        self.district_units = list(by_code.values())
        blocs = spec.blocs[: self.shape.blocs] if self.shape.blocs is not None else spec.blocs
        self.blocs: dict[str, PUnit] = {}
        for b in blocs:
            self.blocs[b.code] = self._bloc(b, root)
        self._historical_changes()

    def cadre_units(self, parent: PUnit, place: str, founded: dt.date, level: int) -> list[PUnit]:
        code = parent.code
        # suffixes longer than any district code (Sóc Trăng has a district "MT")
        ub = self.add(f"{code}.UBND", f"Ủy ban nhân dân {place}", "agency", parent, founded, issuer=parent.issuer, abbr=parent.issuer_abbr)
        mt = self.add(f"{code}.MTTQ", f"Ủy ban Mặt trận Tổ quốc Việt Nam {place}", "front", parent, founded, issuer=parent.issuer, abbr=parent.issuer_abbr)
        pn = self.add(f"{code}.HLHPN", f"Hội Liên hiệp Phụ nữ {place}", "mass_org", parent, founded, issuer=parent.issuer, abbr=parent.issuer_abbr)
        self.add_post(ub, "Chủ tịch Ủy ban nhân dân", party=False, appointed=False, level=level + 1)
        self.add_post(ub, "Phó Chủ tịch Ủy ban nhân dân", party=False, appointed=False, level=level + 1)
        self.add_post(mt, "Chủ tịch Ủy ban Mặt trận Tổ quốc", party=False, appointed=False, level=level + 1)
        self.add_post(pn, "Chủ tịch Hội Liên hiệp Phụ nữ", party=False, appointed=False, level=level + 1)
        return [ub, mt, pn]

    def add_post(self, unit: PUnit, position: str, *, party: bool, appointed: bool, level: int) -> None:
        self.posts.append((Post(unit.id, position, party, appointed, level), unit.founded, None))

    def _district(self, d: DistrictSpec, root: PUnit, by_code: dict[str, PUnit]) -> PUnit:
        rng = self.rng
        founded = START
        origin = None
        if d.split_from and d.split_from[1] in by_code:
            founded = dt.date.fromisoformat(d.split_from[0])
            origin = by_code[d.split_from[1]]
            if founded > self.until:
                founded, origin = START, None
        word = "Quận ủy" if d.name.startswith("quận") else ("Thị ủy" if d.name.startswith("thị xã") else ("Thành ủy" if d.name.startswith("thành phố") else "Huyện ủy"))
        abbr = {"Quận ủy": "QU", "Huyện ủy": "HU", "Thị ủy": "TXU", "Thành ủy": "TU"}[word]
        district = self.add(
            f"{root.code}.{d.code}", f"Đảng bộ {d.name}", "district", root, founded,
            issuer=f"Ban Thường vụ {word} {d.name.split(' ', 1)[1] if d.name.startswith(('quận', 'huyện')) else d.name}", abbr=abbr,
        )
        district.district = district.id
        self.cadre_units(district, d.name, founded, level=2)
        short = word
        self.add_post(district, f"Bí thư {short}", party=True, appointed=False, level=2)
        self.add_post(district, f"Phó Bí thư Thường trực {short}", party=True, appointed=False, level=2)
        self.add_post(district, f"Trưởng Ban Tổ chức {short}", party=True, appointed=False, level=2)
        self.add_post(district, f"Chủ nhiệm Ủy ban Kiểm tra {short}", party=True, appointed=False, level=2)
        home = origin or district
        early = START if origin else founded
        wards = d.wards[: self.shape.wards] if self.shape.wards else d.wards
        children: list[PUnit] = []
        for i, ward in enumerate(wards, start=1):
            flavour = "ward" if d.urban or ward.startswith("thị trấn") else "rural"
            w = self.add(
                f"{district.code}.{i:03d}", f"Đảng bộ {ward}", "grassroots_committee", home,
                early + dt.timedelta(days=0 if i == 1 else rng.randint(0, 700)), flavour=flavour, district=district,
                issuer=district.issuer, abbr=district.issuer_abbr,
            )
            w.district = district.id
            self.add_post(w, "Bí thư Đảng ủy", party=True, appointed=False, level=3)
            self.add_post(w, "Phó Bí thư Đảng ủy", party=True, appointed=False, level=3)
            lo, hi = self.shape.branches
            for k in range(1, rng.randint(lo, hi) + 1):
                if flavour == "ward":
                    name = f"Chi bộ khu vực {k}"
                else:
                    name = f"Chi bộ ấp {AP_NAMES[(i * 5 + k) % len(AP_NAMES)]}"
                if k == 1 and hi >= 6:
                    name = "Chi bộ Cơ quan"
                # its own name: `founded` is the district's, used below for the split's moves
                branch_founded = w.founded + dt.timedelta(days=0 if k == 1 else rng.choice((0, 0, 0, rng.randint(30, 9000))))
                self.add(f"{w.code}.{k:02d}", name, "branch", w, min(branch_founded, dt.date(2015, 1, 1)), flavour=flavour, district=district)
            children.append(w)
        for j in range(self.shape.others):
            idx = len(wards) + j + 1
            children.append(self._other(district, home, early, idx, wards))
        if origin is not None:
            for child in children:
                if child.founded < founded:
                    self.reparent(child, district, founded, signer=self.root)
                else:  # founded after the split: under the new district from the start
                    self._found_under(child, district)
        return district

    def _found_under(self, unit: PUnit, parent: PUnit) -> None:
        unit.parent = parent.id
        unit.parents[0] = (unit.founded, parent.id)
        founding = next(ev for ev in self.events if ev.kind == "founding" and ev.unit == unit.id)
        founding.to_unit = parent.id

    def _other(self, district: PUnit, home: PUnit, early: dt.date, idx: int, wards: tuple[str, ...]) -> PUnit:
        rng = self.rng
        x = rng.random()
        ward = wards[idx % len(wards)] if wards else district.name
        place = ward.split(" ", 1)[1] if " " in ward else ward
        if x < 0.33:
            flavour, name, committee, since = "school", f"{rng.choice(SCHOOLS)} {place}", False, (1976, 2005)
        elif x < 0.43:
            flavour, name, committee, since = "health", f"{rng.choice(HEALTH)} {place}", rng.random() < 0.3, (1976, 2000)
        elif x < 0.68:
            label = DISTRICT_AGENCIES[idx % len(DISTRICT_AGENCIES)]
            flavour, name, committee, since = "agency", f"{label} {district.name.replace('Đảng bộ ', '')}", rng.random() < 0.3, (1976, 1995)
        elif x < 0.90:
            flavour, name, committee, since = "enterprise", f"{rng.choice(ENTERPRISES)} {place}", rng.random() < 0.5, (1990, 2016)
        elif x < 0.95:
            flavour, name, committee, since = "military", f"Ban Chỉ huy Quân sự {district.name.replace('Đảng bộ ', '')}", True, (1976, 1977)
        else:
            flavour, name, committee, since = "police", f"Công an {district.name.replace('Đảng bộ ', '')}", True, (1976, 1977)
        founded = max(early, rand_date(rng, dt.date(since[0], 1, 1), dt.date(since[1], 12, 31)))
        return self._grassroots(f"{district.code}.{idx:03d}", name, home, founded, flavour, committee, district)

    def _grassroots(self, code: str, name: str, parent: PUnit, founded: dt.date, flavour: str, committee: bool, district: PUnit) -> PUnit:
        rng = self.rng
        if committee:
            unit = self.add(code, f"Đảng bộ {name}", "grassroots_committee", parent, founded, flavour="", district=district,
                            issuer=district.issuer, abbr=district.issuer_abbr)
            unit.flavour = flavour
            self.add_post(unit, "Bí thư Đảng ủy", party=True, appointed=False, level=3)
            subs = SUB_BRANCHES.get(flavour, SUB_BRANCHES["agency"])
            for k in range(1, rng.randint(2, 6) + 1):
                self.add(f"{code}.{k:02d}", f"{subs[(k - 1) % len(subs)]} {k}", "branch", unit, founded + dt.timedelta(days=rng.choice((0, 0, rng.randint(30, 4000)))),
                         flavour=flavour, district=district)
        else:
            unit = self.add(code, f"Chi bộ {name}", "grassroots_branch", parent, founded, flavour=flavour, district=district,
                            issuer=district.issuer, abbr=district.issuer_abbr)
            self.add_post(unit, "Bí thư Chi bộ", party=True, appointed=False, level=3)
        unit.district = district.id
        return unit

    def _bloc(self, b: BlocSpec, root: PUnit) -> PUnit:
        rng = self.rng
        founded = {"DN": dt.date(2001, 3, 1), "KCN": dt.date(2005, 6, 1), "DHYD": dt.date(2002, 8, 1)}.get(b.code, START + dt.timedelta(days=rng.randint(0, 500)))
        bloc = self.add(f"{root.code}.{b.code}", b.name, "district", root, founded, issuer=f"Ban Thường vụ {b.name.replace('Đảng bộ', 'Đảng ủy')}", abbr="ĐUK")
        bloc.district = bloc.id
        self.add_post(bloc, "Bí thư Đảng ủy", party=True, appointed=False, level=2)
        self.add_post(bloc, "Phó Bí thư Đảng ủy", party=True, appointed=False, level=2)
        names = {"agency": CITY_AGENCIES, "university": FACULTIES, "health": FACULTIES[10:], "military": MILITARY, "police": POLICE}.get(b.flavour, ENTERPRISES)
        count = max(1, round(b.size * self.shape.bloc_factor))
        for i in range(1, count + 1):
            base = names[(i - 1) % len(names)]
            name = base if i <= len(names) else f"{base} {i // len(names) + 1}"
            if b.flavour == "enterprise":
                name = f"{base} {self.spec.name.split(' ')[-1]} {i}"
            committee = rng.random() < (0.6 if b.flavour in ("university", "police", "military") else 0.35)
            since = (founded.year, max(founded.year, 2012)) if b.flavour == "enterprise" else (founded.year, founded.year + 8)
            when = rand_date(rng, dt.date(since[0], 1, 1), dt.date(since[1], 12, 31))
            self._grassroots(f"{bloc.code}.{i:03d}", name, bloc, max(when, founded), b.flavour, committee, bloc)
        return bloc

    def _historical_changes(self) -> None:
        """Before 2025: a few branches merged into a sibling, an enterprise merged, one disbanded."""
        rng = self.rng
        last = min(dt.date(2020, 12, 31), self.until)
        branches = [u for u in self.units.values() if u.kind == "branch" and not u.code.endswith(".01")]
        for b in branches:
            if rng.random() >= 0.04:
                continue
            first = self.units[b.parent]
            sibling = next((u for u in self.units.values() if u.parent == first.id and u.code.endswith(".01")), None)
            if sibling is None or sibling.ended:
                continue
            on = rand_date(rng, max(dt.date(2005, 1, 1), b.founded + dt.timedelta(days=400), sibling.founded + dt.timedelta(days=1)), last)
            if on >= last or on <= b.founded:
                continue
            self.merge(b, sibling, on, signer=first)
        enterprises = [u for u in self.units.values() if u.kind == "grassroots_branch" and u.flavour == "enterprise" and not u.ended]
        for a, b in zip(enterprises[::7], enterprises[3::7], strict=False):
            if a.parent != b.parent or a.ended or b.ended:
                continue
            on = rand_date(rng, max(dt.date(2010, 1, 1), a.founded, b.founded) + dt.timedelta(days=400), last)
            if on < last:
                self.merge(a, b, on, signer=self.units[a.parent])
        # One branch disbanded (giải tán) as a discipline; its members join the branch next to it.
        candidates = [u for u in self.units.values() if u.kind == "branch" and not u.ended and u.code.endswith(".02")]
        if candidates and last > dt.date(2016, 1, 1):
            b = candidates[len(candidates) // 2]
            sibling = next((u for u in self.units.values() if u.parent == b.parent and u.code.endswith(".01") and not u.ended), None)
            on = dt.date(2016, 5, 12)
            if sibling is not None and b.founded < on and sibling.founded < on:
                parent = self.units[b.parent]
                self.events.append(Ev("discipline", on, subtype="dissolution", unit=b.id, decision_no=self.decision_no(parent.issuer_abbr),
                                      decided_on=on - dt.timedelta(days=5), decided_by=parent.issuer,
                                      note="Giải tán chi bộ do vi phạm nghiêm trọng nguyên tắc tổ chức"))
                self.merge(b, sibling, on + dt.timedelta(days=20), signer=parent)

    # --- 2025 --------------------------------------------------------------------------

    def _reorganise(self) -> None:
        rng = self.rng
        new_root = self.units.get(self.new_root) or self.merge_into
        assert new_root is not None
        if self.merge_into is not None:
            # old provinces merged into the new one (Politburo decisions of June 2025)
            for u in list(self.units.values()):
                if u.parent == self.root.id and u.kind in ("agency", "front", "mass_org") and not u.ended:
                    self.dissolve(u, REORG, signer=self.merge_into)
        else:
            for suffix, into in (("SKH", "STC"),):
                a = self.by_code(f"{self.spec.code}.{suffix}")
                b = self.by_code(f"{self.spec.code}.{into}")
                if a and b and not a.ended:
                    self.merge(a, b, dt.date(2025, 3, 1), signer=self.root)
        n = 0
        for district in self.district_units:
            if district.ended:
                continue
            wards = [u for u in self.units.values() if u.parent_on(REORG) == district.id and u.flavour in ("ward", "rural") and u.kind == "grassroots_committee" and not u.ended]
            ward_ids = {u.id for u in wards}
            others = [u for u in self.units.values() if u.parent_on(REORG) == district.id and u.id not in ward_ids and u.kind in ("grassroots_committee", "grassroots_branch") and not u.ended]
            communes: list[PUnit] = []
            i = 0
            while i < len(wards):
                size = 3 if len(wards) - i >= 5 or len(wards) - i == 3 else 2
                group = wards[i : i + size]
                i += size
                n += 1
                first = group[0].name.replace("Đảng bộ ", "")
                word, place = first.split(" ", 1)
                word = "phường" if group[0].flavour == "ward" and word != "thị trấn" else "xã"
                commune = self.add(
                    f"{self.spec.code}.X{n:02d}", f"Đảng bộ {word} {place}", "grassroots_committee", new_root, REORG,
                    district=None, issuer=f"Ban Thường vụ Đảng ủy {word} {place}", abbr="ĐU",
                )
                commune.flavour = group[0].flavour
                ub = self.add(f"{commune.code}.UBND", f"Ủy ban nhân dân {word} {place}", "agency", commune, REORG, issuer=commune.issuer, abbr="ĐU")
                for pos in ("Bí thư Đảng ủy", "Phó Bí thư Đảng ủy"):
                    self.add_post(commune, pos, party=True, appointed=False, level=2)
                self.add_post(ub, "Chủ tịch Ủy ban nhân dân", party=False, appointed=False, level=3)
                for w in group:
                    self.merge(w, commune, REORG, signer=new_root)
                communes.append(commune)
            for o in others:
                if communes and rng.random() < 0.75:
                    self.reparent(o, rng.choice(communes), REORG, signer=new_root)
                else:
                    self.reparent(o, new_root, REORG, signer=new_root)
            for u in [u for u in self.units.values() if u.parent_on(REORG) == district.id and u.kind in ("agency", "front", "mass_org") and not u.ended]:
                self.dissolve(u, REORG, signer=new_root)
            self.dissolve(district, REORG, signer=new_root)
        if self.merge_into is None:
            dcd, kcn, dn = self.blocs.get("DCD"), self.blocs.get("KCN"), self.blocs.get("DN")
            if dcd is not None:
                self.events.append(Ev("rename", REORG, unit=dcd.id, note="Đảng bộ các cơ quan Đảng thành phố", decision_no=self.decision_no("TU"),
                                      decided_on=REORG - dt.timedelta(days=10), decided_by=self.root.issuer))
                dcd.name = "Đảng bộ các cơ quan Đảng thành phố"
                ubnd = self.add(f"{self.spec.code}.DUBND", "Đảng bộ Ủy ban nhân dân thành phố", "district", self.root, REORG,
                                issuer="Ban Thường vụ Đảng ủy Ủy ban nhân dân thành phố", abbr="ĐU")
                ubnd.district = ubnd.id
                self.add_post(ubnd, "Bí thư Đảng ủy", party=True, appointed=False, level=2)
                for u in [u for u in self.units.values() if u.parent_on(REORG) == dcd.id and not u.ended and u.name.split(" ", 2)[-1].startswith("Sở")]:
                    self.reparent(u, ubnd, REORG, signer=self.root)
            if kcn is not None and dn is not None:
                self.merge(kcn, dn, REORG, signer=self.root)
        else:
            self.merge(self.root, self.merge_into, REORG, signer=self.merge_into)

    def by_code(self, code: str) -> PUnit | None:
        return next((u for u in self.units.values() if u.code == code), None)

    # --- the tree on a date -----------------------------------------------------------------

    def resolve(self, unit_id: int, on: dt.date) -> int:
        """The unit that holds `unit_id`'s members on `on`, following mergers."""
        for _ in range(10):
            u = self.units.get(unit_id)
            if u is None or u.merged_into is None or u.ended is None or u.ended > on:
                return unit_id
            unit_id = u.merged_into
        return unit_id

    def parent_on(self, unit_id: int, on: dt.date) -> int | None:
        u = self.units.get(unit_id)
        if u is None:
            return None
        p = u.parent_on(on)
        return self.resolve(p, on) if p is not None else None

    def top_on(self, unit_id: int, on: dt.date) -> int | None:
        """The unit directly under the province root that contains `unit_id` on `on`."""
        current: int | None = unit_id
        for _ in range(10):
            if current is None:
                return None
            parent = self.parent_on(current, on)
            if parent is None or (self.above is not None and parent == self.above.id):
                return None
            if self.units.get(parent) is None or self.units[parent].kind == "provincial":
                return current
            current = parent
        return current

    # --- periodic unit events -------------------------------------------------------------

    def _congresses(self) -> None:
        rng = self.rng
        for u in list(self.units.values()):
            if u.kind in ("agency", "front", "mass_org"):
                continue
            if u.kind == "branch" and self.units[u.parent].kind == "grassroots_committee":
                terms = [(y, t, dt.date(y, 3, 1)) for y, t in BRANCH_TERMS]
            else:
                start = {"provincial": (10, 1), "district": (6, 1)}.get(u.kind, (4, 1))
                terms = [(y, f"{y}-{y + 5}", dt.date(y, *start)) for y in COMMITTEE_TERMS]
            for y, term, base in terms:
                on = base + dt.timedelta(days=rng.randint(0, 50))
                if u.code.endswith(tuple(f".X{i:02d}" for i in range(100))) and y == 2025:
                    on = dt.date(2025, 8, 5) + dt.timedelta(days=rng.randint(0, 40))  # new communes: first congress
                if on > self.until or not u.alive(on) or on < u.founded + dt.timedelta(days=365) and u.founded < REORG:
                    continue
                number = max(1, (y - max(u.founded.year, 1975)) // 5 + 1) if u.founded < REORG else 1
                signer = self.units.get(self.parent_on(u.id, on) or -1) or u
                self.events.append(Ev("congress", on, unit=u.id, term=term,
                                      details={"number": ROMAN[number] if number < len(ROMAN) else str(number)},
                                      decided_by=signer.issuer or u.issuer, note=f"Đại hội lần thứ {ROMAN[number] if number < len(ROMAN) else number}, nhiệm kỳ {term}"))

    def _unit_discipline(self) -> None:
        rng = self.rng
        party = [u for u in self.units.values() if u.kind in ("branch", "grassroots_branch", "grassroots_committee")]
        for u in party:
            if rng.random() >= 0.006:
                continue
            on = rand_date(rng, max(u.founded + dt.timedelta(days=800), dt.date(2008, 1, 1)), min(self.until, dt.date(2025, 6, 1)))
            if not u.alive(on) or on > self.until:
                continue
            signer = self.units.get(self.parent_on(u.id, on) or -1) or self.root
            self.events.append(Ev("discipline", on, subtype=rng.choice(("reprimand", "reprimand", "warning")), unit=u.id,
                                  decision_no=self.decision_no("UBKT"), decided_on=on, decided_by=f"Ủy ban Kiểm tra {signer.name.replace('Đảng bộ ', '')}",
                                  note="Vi phạm trong lãnh đạo, chỉ đạo thực hiện nhiệm vụ"))

    def _unit_evaluations(self) -> None:
        """Each year from 2018, grassroots organisations and branches are rated, at most 20% of
        those rated "good" being rated "excellent" within each upper unit (HD 21-HD/BTCTW 2019 §2.3)."""
        year = EVALUATION_FROM
        while dt.date(year, 12, 31) <= self.until:
            on = dt.date(year, 12, 20)
            groups: dict[int, list[PUnit]] = {}
            for u in self.units.values():
                if u.kind in ("branch", "grassroots_branch", "grassroots_committee") and u.alive(on) and u.founded < dt.date(year, 6, 1):
                    parent = self.parent_on(u.id, on)
                    if parent is not None:
                        groups.setdefault(parent, []).append(u)
            for parent_id, members in sorted(groups.items()):
                rng = random.Random(f"unit-eval:{self.spec.code}:{year}:{parent_id}")
                members = sorted(members, key=lambda u: u.id)
                # after a merger of provinces the upper unit may belong to the province merged into
                signer = self.units.get(parent_id) or self.merge_into or self.root
                for u, rating in zip(members, quota_ratings(rng, len(members)), strict=True):
                    self.events.append(Ev("evaluation", on - dt.timedelta(days=rng.randint(0, 10)), subtype=rating, unit=u.id, year=year,
                                          decided_by=signer.issuer, decision_no=self.decision_no(signer.issuer_abbr or "ĐU")))
            year += 1

    # --- picking member units ----------------------------------------------------------------

    def _index_member_units(self) -> None:
        self._cum: list[float] = []
        total = 0.0
        for u in self.member_units:
            total += u.weight
            self._cum.append(total)
        self._total = total
        self._by_district: dict[int | None, list[PUnit]] = {}
        for u in self.member_units:
            self._by_district.setdefault(u.district, []).append(u)
        # The units alive on a day, per pool, change only on a founding or an ending: the
        # fallback of `pick_branch` reads them per interval between those dates (cached).
        self._alive: dict[tuple[int | None, int], tuple[list[PUnit], dict[int, int]]] = {}
        self._bounds: dict[int | None, list[dt.date]] = {}

    def _alive_on(self, key: int | None, pool: list[PUnit], on: dt.date) -> tuple[list[PUnit], dict[int, int]]:
        """The pool's units alive on `on`, in pool order, and their positions by id."""
        bounds = self._bounds.get(key)
        if bounds is None:
            bounds = self._bounds[key] = sorted({u.founded for u in pool} | {u.ended for u in pool if u.ended is not None})
        slot = (key, bisect.bisect_right(bounds, on))
        cached = self._alive.get(slot)
        if cached is None:
            alive = [u for u in pool if u.alive(on)]
            cached = self._alive[slot] = (alive, {u.id: i for i, u in enumerate(alive)})
        return cached

    def pick_branch(self, rng: random.Random, on: dt.date, *, district: int | None = None, exclude: int | None = None) -> PUnit | None:
        """A member unit alive on `on`, weighted by size, optionally in one (old) district."""
        pool = self._by_district.get(district) if district is not None else None
        for _ in range(30):
            if pool:
                u = pool[rng.randrange(len(pool))]
            else:
                u = self.member_units[bisect.bisect_left(self._cum, rng.random() * self._total)]
            if u.alive(on) and u.id != exclude:
                return u
        # A uniform choice among the alive units other than `exclude`, drawn exactly as
        # `rng.choice` over that list would draw it.
        alive, position = self._alive_on(district if pool else None, pool or self.member_units, on)
        skip = position.get(exclude) if exclude is not None else None
        n = len(alive) - (skip is not None)
        if n == 0:
            return None
        i = rng.choice(range(n))
        return alive[i + 1 if skip is not None and i >= skip else i]

    # --- cadre posts -----------------------------------------------------------------------

    def cadre_specs(self, rng: random.Random) -> list[CadreSpec]:
        """Who holds each post when: one holder at a time, terms of five years, exits of every kind.

        Holders of posts in units that end in the 2025 reorganisation are relieved on that day;
        most are designated to the posts of the new communes (chỉ định, QĐ 294-QĐ/TW)."""
        specs: list[CadreSpec] = []
        ending: list[CadreSpec] = []  # holders relieved by the reorganisation, by order of relief
        new_posts: list[Post] = []
        for post, _since, _ in self.posts:
            unit = self.units[post.unit]
            if unit.founded >= REORG:
                new_posts.append(post)
                continue
            t = max(unit.founded + dt.timedelta(days=rng.randint(0, 400)), dt.date(1996, 1, 1) + dt.timedelta(days=rng.randint(0, 1500)))
            end_limit = unit.ended
            while t <= self.until and (end_limit is None or t < end_limit):
                spec = self._holder(rng, post, t, end_limit, unit)
                specs.append(spec)
                term = spec.terms[-1]
                if term.exit == "reorg":
                    ending.append(spec)
                if term.end is None:
                    break
                t = term.end + dt.timedelta(days=rng.randint(1, 60))
        # New posts of 2025: the first holders come from the relieved cadres (designation).
        # a designation needs a full five-year term before retirement (Kết luận 08-KL/TW 2021)
        pool = [s for s in ending if retirement_on(s.birth, s.sex) > add_years(REORG, 5) + dt.timedelta(days=90)]
        rng.shuffle(pool)
        for post in new_posts:
            unit = self.units[post.unit]
            t = unit.founded
            first = "designation" if post.party else "assignment"
            if pool:
                spec = pool.pop()
                spec.terms.append(self._term(rng, post, t, None, spec, first=first))
            else:
                spec = self._holder(rng, post, t, None, unit, first=first)
                specs.append(spec)
        return specs

    def _holder(self, rng: random.Random, post: Post, start: dt.date, end_limit: dt.date | None, unit: PUnit, first: str = "") -> CadreSpec:
        sex = "female" if rng.random() < 0.25 else "male"
        exit_ = rng.choices(("relief", "rotation", "redeployment", "retirement", "dismissal", "removal_from_post"), (35, 14, 14, 30, 4, 3))[0]
        terms = 2 if post.appointed and rng.random() < 0.45 else 1
        end = add_years(start, 5 * terms) + dt.timedelta(days=rng.randint(-60, 60))
        if exit_ in ("dismissal", "removal_from_post"):
            end = add_months(start, rng.randint(14, 50))
        if exit_ == "retirement":
            # born so that the statutory age is reached at the end of the term (which then leaves
            # the five years an appointment needs, QĐ 105-2017 / QĐ 80-2022)
            end = add_years(start, 5 * terms) + dt.timedelta(days=rng.randint(40, 150))
            birth = add_months(end, -(720 if sex == "male" else 660)) + dt.timedelta(days=rng.randint(0, 27))
            end = retirement_on(birth, sex)
        else:
            birth = add_years(start, -rng.randint(34, 47)) - dt.timedelta(days=rng.randint(0, 360))
            if retirement_on(birth, sex) < add_years(end, 2):
                birth = add_years(end, -50)
        spec = CadreSpec(birth=birth, sex=sex, district=unit.district)
        spec.terms.append(self._term(rng, post, start, end_limit, spec, first=first, end=end, exit_=exit_, terms=terms))
        return spec

    def _term(self, rng: random.Random, post: Post, start: dt.date, end_limit: dt.date | None, spec: CadreSpec, *,
              first: str = "", end: dt.date | None = None, exit_: str = "relief", terms: int = 1) -> CadreTerm:
        if end is None:
            end = add_years(start, 5) + dt.timedelta(days=rng.randint(-60, 60))
            exit_ = rng.choice(("relief", "rotation", "redeployment"))
            retire = retirement_on(spec.birth, spec.sex)
            if retire <= end:
                end, exit_ = retire, "retirement"
        if end_limit is not None and end >= end_limit:
            end, exit_ = end_limit, "reorg"
        if end > self.until:
            end, exit_ = None, ""
        if not first:
            if post.party:
                first = "approval" if start.year in COMMITTEE_TERMS and start.month >= 4 else "designation"
            elif post.appointed:
                first = "appointment"
            else:
                # elected state and front posts: nominated (lives.py), then assigned; chỉ định and
                # chuẩn y are for party committee posts only
                first = "assignment"
        renewals = []
        if post.appointed and terms == 2:
            r = add_years(start, 5)
            if end is None or r < end:
                renewals.append(r)
        return CadreTerm(post=post, start=start, end=end, first=first, exit=exit_, renewals=renewals)


def quota_ratings(rng: random.Random, n: int) -> list[str]:
    """Ratings for `n` subjects of one group: about the shares of EVALUATION_SHARES, with
    "excellent" never above 20% of "good" (QĐ 132-QĐ/TW 2018, HD 21-HD/BTCTW 2019 §2.3)."""

    def draw(share: float) -> int:
        expected = n * share
        return int(expected) + (1 if rng.random() < expected - int(expected) else 0)

    excellent, complete, incomplete = draw(0.145), draw(0.065), draw(0.01)
    while excellent + complete + incomplete > n:
        if complete:
            complete -= 1
        elif incomplete:
            incomplete -= 1
        else:
            excellent -= 1
    good = n - excellent - complete - incomplete
    while excellent > good // 5:
        excellent -= 1
        good += 1
    out = ["excellent"] * excellent + ["good"] * good + ["complete"] * complete + ["incomplete"] * incomplete
    rng.shuffle(out)
    return out
