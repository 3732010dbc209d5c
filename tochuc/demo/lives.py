"""One person's life as events, generated in memory in date order.

Each person has their own random stream (seeded by the run's seed and the person's number), so
a person's life does not depend on batching or on the other people. The events obey the rules:
admission between 18 and 60, recognition exactly 12 months after admission (Charter Art. 5),
discipline of probationary members only by reprimand or warning, nothing after death or leaving,
no transfer or discipline while exempted, badges at the milestones of party age on the award
occasions (HD 01-2021 §18), re-admission at most once and 36 months after leaving (QĐ 29 §3).
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import random
from dataclasses import dataclass, field
from typing import Any

from tochuc.demo.model import CadreSpec, CadreTerm, Ev, rand_date, retirement_on
from tochuc.demo.names import (
    EDUCATION_BY_PROFESSION_KIND,
    ETHNICITIES,
    HOMETOWNS,
    PROFESSIONS,
    PROVINCE_CODE,
    RELIGIONS,
    person_name,
    weighted,
)
from tochuc.demo.plan import START, ProvincePlan
from tochuc.events.fold import EventData, fold_person
from tochuc.lib.cccd import century_sex_digit
from tochuc.lib.dates import add_months, add_years, age_on
from tochuc.lib.vntext import fold

BADGES_BEFORE_2016 = (30, 40, 50, 55, 60, 65, 70, 75, 80, 85, 90)  # QĐ 45-QĐ/TW 2011
BADGES_FROM_2016 = (30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90)  # QĐ 29-QĐ/TW 2016 onward
QD29 = dt.date(2016, 7, 25)
BADGES_FROM = dt.date(1990, 1, 1)  # badges recorded in the demo from this date
AWARD_DAYS = ((2, 3), (5, 19), (9, 2), (11, 7))  # 3/2, 19/5, 2/9, 7/11
READMISSION_WAIT_MONTHS = 36
PLANNING_PERIODS = ((2010, 2015), (2015, 2020), (2020, 2025), (2025, 2030))


def _rare(options: tuple[tuple[str, str | None, float], ...]) -> tuple[float, tuple, tuple]:
    """(total yearly rate, the (action, argument) pairs, their weights)."""
    return sum(r for *_, r in options), tuple((a, b) for a, b, _ in options), tuple(r for *_, r in options)


_LEAVING = (
    ("removal", None, 0.0008), ("withdrawal", None, 0.0002), ("discipline", "reprimand", 0.0022),
    ("discipline", "warning", 0.0009), ("discipline", "expulsion", 0.00025),
)
# Yearly rates of the rare events by age band: leaving the province, exemption, leaving the Party, discipline.
RARE_YOUNG = _rare((("transfer_out", None, 0.005), ("exemption", "temporary", 0.003), *_LEAVING))
RARE_MIDDLE = _rare((("transfer_out", None, 0.005), *_LEAVING))
RARE_OLD = _rare((("transfer_out", None, 0.0015), ("exemption", "old", 0.05), *_LEAVING))
# The fold learns a member's party age from an arrival's file (`admitted_on`); the badge rule also
# needs the recognition date. Until the fold reads `recognized_on` from the file, members who
# arrived from outside get no badges in the demo, rather than badges the rules would refuse.
ARRIVALS_RECOGNIZED = fold_person(
    [EventData(id=1, kind="transfer", subtype="official", effective_on=dt.date(2000, 1, 1), to_unit_id=1,
               details={"status": "full", "admitted_on": "1980-01-01", "recognized_on": "1981-01-01"})]
).recognized_on is not None

RARE_VERY_OLD = _rare((("transfer_out", None, 0.0015), ("exemption", "old", 0.05)))


@dataclass
class PersonRow:
    id: int
    code: str
    full_name: str
    search_key: str
    birth_date: dt.date
    sex: str
    ethnicity: str
    religion: str
    national_id: str
    hometown: str
    education: str
    profession: str
    registered_unit_id: int | None


@dataclass
class Life:
    person: PersonRow
    events: list[Ev] = field(default_factory=list)
    disciplined_years: set[int] = field(default_factory=set)


def next_award_day(day: dt.date) -> dt.date:
    for year in (day.year, day.year + 1):
        for month, d in AWARD_DAYS:
            candidate = dt.date(year, month, d)
            if candidate >= day:
                return candidate
    raise AssertionError("unreachable")


def mortality(age: int) -> float:
    return min(0.45, math.exp(-10.0 + 0.092 * age))


def national_id(province_code: str, birth: dt.date, sex: str, index: int) -> str:
    """A CCCD consistent with birth year and sex (TT 07/2016 Art. 7); the last six digits are a
    permutation of the person's number, so no two demo people of a run share one."""
    serial = (index * 7919 + 104729) % 1_000_000
    return f"{province_code}{century_sex_digit(birth.year, sex)}{birth.year % 100:02d}{serial:06d}"


class LifeBuilder:
    """Generates one person; `plan` answers which units exist and where on a date."""

    def __init__(self, plan: ProvincePlan, until: dt.date, rng: random.Random, person_id: int, index: int, code: str):
        self.plan, self.until, self.rng = plan, until, rng
        self.pid, self.index, self.code = person_id, index, code
        self.events: list[Ev] = []
        self.queue: list[tuple[dt.date, int, str, Any]] = []
        self.seq = 0
        # membership state
        self.member = False
        self.status = ""
        self.branch: int | None = None
        self.admitted_on: dt.date | None = None  # first admission decision (party age)
        self.gap_days = 0
        self.left_on: dt.date | None = None
        self.left_reason = ""
        self.dead = False
        self.readmitted = False
        self.exempt_until: dt.date | None = None  # date.max for a permanent exemption
        self.temporary_until: dt.date | None = None
        self.last_discipline: dt.date | None = None
        self.protected_until = dt.date.min  # cadres do not leave while their terms run
        self.badges: set[int] = set()
        self.disciplined_years: set[int] = set()
        self.badge_generation = 0
        self.planned: set[tuple] = set()
        self.admitted_here = True
        self.started_on = dt.date.min
        self.exam_unit: int | None = None  # where a civil servant may sit a leadership exam

    # --- helpers ------------------------------------------------------------------------

    def emit(self, ev: Ev) -> Ev:
        ev.person = self.pid
        self.events.append(ev)
        return ev

    def schedule(self, on: dt.date, action: str, arg: Any = None) -> None:
        if on <= self.until:
            self.seq += 1
            heapq.heappush(self.queue, (on, self.seq, action, arg))

    def current_branch(self, on: dt.date) -> int | None:
        if self.branch is None:
            return None
        self.branch = self.plan.resolve(self.branch, on)
        return self.branch

    def issuer(self, unit_id: int, on: dt.date) -> tuple[str, str]:
        """Who decides for members of this unit: the committee above its grassroots organisation."""
        plan = self.plan
        unit = plan.units[unit_id]
        grassroots = plan.parent_on(unit_id, on) if unit.kind == "branch" else unit_id
        upper = plan.units.get(plan.parent_on(grassroots, on) or -1) if grassroots else None
        if upper is None:
            upper = plan.root
        return upper.issuer or plan.root.issuer, upper.issuer_abbr or "ĐU"

    def decision(self, unit_id: int | None, on: dt.date, lag: tuple[int, int] = (5, 30)) -> dict[str, Any]:
        decided_on = on - dt.timedelta(days=self.rng.randint(*lag))
        if unit_id is None:
            return {"decided_on": decided_on}
        by, abbr = self.issuer(unit_id, on)
        return {"decided_on": decided_on, "decided_by": by, "decision_no": f"{self.rng.randint(10, 2999)}-QĐ/{abbr}"}

    # --- profile ------------------------------------------------------------------------

    def profile(self, birth: dt.date, sex: str, unit_id: int | None) -> PersonRow:
        rng = self.rng
        ethnicity = weighted(rng, ETHNICITIES)
        religion = weighted(rng, RELIGIONS[ethnicity])
        local = self.plan.spec.name.replace("Đảng bộ ", "").replace("thành phố ", "").replace("tỉnh ", "")
        hometown = weighted(rng, HOMETOWNS) if self.plan.spec.code == "CT" else (local if rng.random() < 0.7 else weighted(rng, HOMETOWNS))
        id_code = PROVINCE_CODE.get(hometown, self.plan.spec.id_code)
        flavour = self.plan.units[unit_id].flavour if unit_id is not None else "ward"
        flavour = flavour or "agency"
        profession = rng.choice(PROFESSIONS.get(flavour, PROFESSIONS["agency"]))
        education = weighted(rng, EDUCATION_BY_PROFESSION_KIND.get(flavour, EDUCATION_BY_PROFESSION_KIND["agency"]))
        name = person_name(rng, sex, ethnicity)
        return PersonRow(
            id=self.pid, code=self.code, full_name=name, search_key=fold(name), birth_date=birth, sex=sex,
            ethnicity=ethnicity, religion=religion, national_id=national_id(id_code, birth, sex, self.index),
            hometown=f"{rng.choice(('xã', 'phường'))} {rng.choice(('An Bình', 'Tân Phú', 'Long Hòa', 'Mỹ Khánh', 'Thới An', 'Phú Thứ'))}, {hometown}",
            education=education, profession=profession, registered_unit_id=unit_id,
        )

    # --- joining ------------------------------------------------------------------------

    def admit(self, on: dt.date, branch: int, *, readmission: bool = False) -> None:
        rng = self.rng
        if not readmission and on.year >= 2012:
            course = on - dt.timedelta(days=rng.randint(90, 300))
            if self.plan.units[branch].alive(course):
                self.emit(Ev("training", course, subtype="party_awareness", unit=branch, end_on=course + dt.timedelta(days=4)))
        info = self.decision(branch, on, (7, 40))
        self.emit(Ev("readmission" if readmission else "admission", on, unit=branch, **info))
        if self.admitted_on is None:
            self.admitted_on = info["decided_on"]
        elif self.left_on is not None:
            # party age does not run while out of the Party (QĐ 29 §4.5)
            self.gap_days += (on - self.left_on).days
        self.member, self.status, self.branch = True, "probationary", branch
        self.left_on, self.left_reason = None, ""
        end = add_months(on, 12)
        if rng.random() < 0.025 and end > self.protected_until:
            self.schedule(end, "strike_probation")
        else:
            self.schedule(end, "recognition")
        if on.year >= 2012 and not readmission:
            self.schedule(on + dt.timedelta(days=rng.randint(30, 150)), "new_member_course")

    def arrive(self, on: dt.date, branch: int, admitted_on: dt.date) -> None:
        """Joins from outside the system (another province, the army, before 1975) as a full member."""
        self.emit(Ev("transfer", on, subtype="official", unit=None, to_unit=branch,
                     details={"status": "full", "admitted_on": admitted_on.isoformat(), "recognized_on": add_months(admitted_on, 12).isoformat()},
                     decided_on=on - dt.timedelta(days=self.rng.randint(10, 40)), note="Chuyển sinh hoạt đảng chính thức từ ngoài đảng bộ đến"))
        self.admitted_on = admitted_on
        self.admitted_here = False
        self.member, self.status, self.branch = True, "full", branch

    # --- the yearly hazards ---------------------------------------------------------------

    def run(self, start: dt.date, birth: dt.date) -> None:
        self.started_on = start
        if self.admitted_on is not None and (self.admitted_here or ARRIVALS_RECOGNIZED):
            self.schedule_badges(start)
        year = start.year
        while year <= self.until.year and not self.dead:
            self.draw_year(year, birth)
            limit = min(dt.date(year, 12, 31), self.until)
            while self.queue and self.queue[0][0] <= limit and not self.dead:
                on, _, action, arg = heapq.heappop(self.queue)
                getattr(self, f"do_{action}")(on, arg, birth)
            year += 1

    def draw_year(self, year: int, birth: dt.date) -> None:
        rng = self.rng
        first = max(dt.date(year, 1, 1), START, self.started_on + dt.timedelta(days=1))
        last = min(dt.date(year, 12, 31), self.until)
        if last < first:
            return
        age = year - birth.year

        def maybe(rate: float, action: str, arg: Any = None) -> None:
            if rng.random() < rate:
                self.schedule(rand_date(rng, first, last), action, arg)

        if dt.date(year, 12, 31) > self.protected_until:
            maybe(mortality(age), "death")
        if not self.member:
            return
        if age < 60:
            maybe(0.022, "transfer")
            maybe(0.006, "temporary")
        else:
            maybe(0.008, "transfer")
        if year >= 2018 and 30 <= age <= 50 and self.exam_unit is not None:
            # competitive exams for leadership posts (the 2017 pilot, DOMAIN-RULES.md §5.6): most fail
            maybe(0.004, "exam", ("Phó Trưởng phòng", self.exam_unit, "passed" if rng.random() < 0.25 else "failed"))
        if dt.date(year, 1, 1) <= self.protected_until:
            return
        # The rare events in one draw, then which one.
        rare = RARE_YOUNG if age < 58 else (RARE_MIDDLE if age < 66 else (RARE_OLD if age < 70 else RARE_VERY_OLD))
        if rng.random() < rare[0]:
            action, arg = rng.choices(rare[1], rare[2])[0]
            self.schedule(rand_date(rng, first, last), action, arg)

    def active(self, on: dt.date) -> bool:
        return self.member and not self.dead and (self.exempt_until is None or self.exempt_until <= on)

    # --- actions ------------------------------------------------------------------------

    def do_recognition(self, on: dt.date, _arg: Any, _birth: dt.date) -> None:
        if not self.member or self.status != "probationary":
            return
        branch = self.current_branch(on)
        self.emit(Ev("recognition", on, unit=branch, decided_on=min(on + dt.timedelta(days=self.rng.randint(10, 45)), self.until),
                     decided_by=self.issuer(branch, on)[0] if branch else ""))
        self.status = "full"

    def do_strike_probation(self, on: dt.date, _arg: Any, _birth: dt.date) -> None:
        if not self.member or self.status != "probationary":
            return
        branch = self.current_branch(on)
        self.emit(Ev("removal", on, unit=branch, details={"reason": "probation_failed"},
                     note="Xóa tên trong danh sách đảng viên dự bị: không đủ tư cách khi hết thời gian dự bị", **self.decision(branch, on, (0, 0))))
        self.leave(on, "removal")

    def do_new_member_course(self, on: dt.date, _arg: Any, _birth: dt.date) -> None:
        if self.member and not self.dead:
            self.emit(Ev("training", on, subtype="new_member", unit=self.current_branch(on), end_on=on + dt.timedelta(days=4)))
            if self.rng.random() < 0.12:
                later = on + dt.timedelta(days=self.rng.randint(700, 3000))
                self.schedule(later, "course", "political_theory_elementary")
            if self.rng.random() < 0.05:
                self.schedule(on + dt.timedelta(days=self.rng.randint(200, 2500)), "course", "professional")

    def do_course(self, on: dt.date, program: str, _birth: dt.date) -> None:
        if not self.active(on):
            return
        length = {"political_theory_elementary": 45, "professional": 30}.get(program, 20)
        end = on + dt.timedelta(days=length)
        self.emit(Ev("training", on, subtype=program, unit=self.current_branch(on), end_on=end if end <= self.until else None))

    def do_death(self, on: dt.date, _arg: Any, _birth: dt.date) -> None:
        if self.dead:
            return
        if self.member:
            branch = self.current_branch(on)
            self.emit(Ev("death", on, unit=branch, decided_by=self.issuer(branch, on)[0] if branch else ""))
            self.leave(on, "death")
        self.dead = True

    def do_transfer(self, on: dt.date, _arg: Any, _birth: dt.date) -> None:
        if not self.active(on) or (self.temporary_until and self.temporary_until > on):
            return
        branch = self.current_branch(on)
        district = self.plan.units[branch].district if self.rng.random() < 0.65 else None
        target = self.plan.pick_branch(self.rng, on, district=district, exclude=branch)
        if target is None:
            return
        self.emit(Ev("transfer", on, subtype="official", unit=branch, to_unit=target.id, **self.decision(branch, on, (5, 30))))
        self.branch = target.id

    def do_temporary(self, on: dt.date, _arg: Any, _birth: dt.date) -> None:
        if not self.active(on) or (self.temporary_until and self.temporary_until > on):
            return
        branch = self.current_branch(on)
        host = self.plan.pick_branch(self.rng, on, exclude=branch)
        if host is None:
            return
        end = add_months(on, self.rng.randint(3, 11))
        self.emit(Ev("transfer", on, subtype="temporary", unit=branch, to_unit=host.id, end_on=end,
                     note="Chuyển sinh hoạt tạm thời do thay đổi nơi làm việc, học tập", **self.decision(branch, on, (3, 15))))
        self.temporary_until = end

    def do_transfer_out(self, on: dt.date, _arg: Any, _birth: dt.date) -> None:
        if not self.active(on) or self.status != "full" or (self.temporary_until and self.temporary_until > on):
            return
        branch = self.current_branch(on)
        self.emit(Ev("transfer", on, subtype="official", unit=branch, to_unit=None,
                     note="Chuyển sinh hoạt đảng ra ngoài đảng bộ", **self.decision(branch, on, (5, 30))))
        self.leave(on, "transferred_out")
        self.dead = True  # out of the system: the demo follows them no further

    def do_exemption(self, on: dt.date, reason: str, birth: dt.date) -> None:
        if not self.active(on) or self.status != "full":
            return
        branch = self.current_branch(on)
        if reason == "old":
            self.emit(Ev("exemption", on, unit=branch, note="Tuổi cao, sức yếu", details={"reason": "old_age"}))
            self.exempt_until = dt.date.max
        else:
            end = add_months(on, self.rng.randint(6, 24))
            why = self.rng.choice(("Điều trị bệnh dài ngày", "Đi làm ăn xa, nơi không có tổ chức đảng", "Nghỉ thai sản"))
            self.emit(Ev("exemption", on, unit=branch, end_on=end, note=why, details={"reason": "temporary"}))
            self.exempt_until = end

    def do_removal(self, on: dt.date, _arg: Any, birth: dt.date) -> None:
        if not self.active(on) or self.status != "full":
            return
        branch = self.current_branch(on)
        self.emit(Ev("removal", on, unit=branch, note="Bỏ sinh hoạt đảng, không đóng đảng phí 3 tháng trong năm không có lý do chính đáng",
                     **self.decision(branch, on, (0, 20))))
        self.leave(on, "removal")
        if not self.readmitted and self.rng.random() < 0.08:
            back = add_months(on, self.rng.randint(READMISSION_WAIT_MONTHS + 1, 72))
            if age_on(birth, back) < 55:
                self.schedule(back, "readmission")

    def do_withdrawal(self, on: dt.date, _arg: Any, _birth: dt.date) -> None:
        if not self.active(on) or self.status != "full":
            return
        branch = self.current_branch(on)
        self.emit(Ev("withdrawal", on, unit=branch, note="Xin ra khỏi Đảng vì hoàn cảnh gia đình", **self.decision(branch, on, (0, 20))))
        self.leave(on, "withdrawal")

    def do_discipline(self, on: dt.date, subtype: str, _birth: dt.date) -> None:
        if not self.active(on):
            return
        if subtype == "expulsion" and self.status != "full":
            return  # a probationary member who no longer qualifies is struck off, not expelled (QĐ 29 §4)
        branch = self.current_branch(on)
        info = self.decision(branch, on, (0, 10))
        info["decided_by"] = f"Ủy ban Kiểm tra {info.get('decided_by', '').replace('Ban Thường vụ ', '')}".strip()
        self.emit(Ev("discipline", on, subtype=subtype, unit=branch, note="Vi phạm quy định về những điều đảng viên không được làm", **info))
        self.last_discipline = on
        self.disciplined_years.add(on.year)
        if subtype == "expulsion":
            self.leave(on, "expulsion")

    def do_readmission(self, on: dt.date, _arg: Any, _birth: dt.date) -> None:
        if self.member or self.dead or self.readmitted:
            return
        target = self.plan.pick_branch(self.rng, on)
        if target is None:
            return
        self.readmitted = True
        self.admit(on, target.id, readmission=True)
        self.badge_generation += 1
        self.schedule_badges(on)

    def do_exam(self, on: dt.date, arg: tuple[str, int, str], _birth: dt.date) -> None:
        position, unit_id, result = arg
        if self.member and not self.dead and self.plan.units[unit_id].alive(on):
            self.emit(Ev("exam", on, subtype=result, position=position, unit=unit_id,
                         decided_by="Hội đồng thi tuyển", details={"score": self.rng.randint(50, 95) if result == "passed" else self.rng.randint(20, 49)}))

    def do_badge(self, on: dt.date, arg: tuple[int, int], _birth: dt.date) -> None:
        years, generation = arg
        if generation != self.badge_generation:
            return  # computed before a re-admission moved the milestones
        if not self.member or self.dead or self.status == "probationary" or years in self.badges:
            return
        if self.last_discipline is not None and on < add_months(self.last_discipline, 12):
            # held back after a discipline (QĐ 29: 6 / 12 months; QĐ 24: 6 / 9 / 12 months)
            self.schedule(next_award_day(add_months(self.last_discipline, 12)), "badge", arg)
            return
        branch = self.current_branch(on)
        self.badges.add(years)
        self.emit(Ev("award", on, subtype=f"badge_{years}", unit=branch, decided_by=self.plan.root.issuer,
                     decision_no=f"{self.rng.randint(100, 9999)}-QĐ/{self.plan.root.issuer_abbr}", decided_on=on - dt.timedelta(days=self.rng.randint(5, 25))))

    def do_decision(self, on: dt.date, ev: Ev, _birth: dt.date) -> None:
        if self.dead:
            return
        self.emit(ev)

    def do_discipline_post(self, on: dt.date, post: Any, _birth: dt.date) -> None:
        if self.dead or not self.member:
            return
        branch = self.current_branch(on)
        self.emit(Ev("discipline", on, subtype="removal_from_post", unit=branch, position=post.position,
                     note="Cách chức do vi phạm trong thực hiện nhiệm vụ được giao", decided_on=on,
                     decided_by=f"Ủy ban Kiểm tra {self.plan.root.name.replace('Đảng bộ ', '')}"))
        self.last_discipline = on
        self.disciplined_years.add(on.year)

    def leave(self, on: dt.date, reason: str) -> None:
        self.member = False
        self.status = ""
        self.left_on, self.left_reason = on, reason
        self.exempt_until = None

    def schedule_badges(self, after: dt.date) -> None:
        assert self.admitted_on is not None
        for years in BADGES_FROM_2016:
            due = add_years(self.admitted_on, years) + dt.timedelta(days=self.gap_days)
            if due > self.until:
                break
            if years == 45 and due < QD29:
                continue
            if years not in BADGES_BEFORE_2016 and years != 45:
                continue
            occasion = next_award_day(due)
            if max(BADGES_FROM, after) <= occasion <= self.until:
                self.schedule(occasion, "badge", (years, self.badge_generation))


def ordinary_life(builder: LifeBuilder, kind: str, year: int) -> Life:
    """A member admitted in `year` ("admit"), one already a member in 1975 ("stock"), one arriving
    from outside ("arrive"), or a candidate who has only attended the party-awareness course."""
    rng, plan, until = builder.rng, builder.plan, builder.until
    first = max(dt.date(year, 1, 1), START)
    last = min(dt.date(year, 12, 31), until)
    on = rand_date(rng, first, last)
    sex = "female" if rng.random() < (0.28 if year < 1990 else 0.42) else "male"
    branch = plan.pick_branch(rng, on)
    if branch is None:  # nothing founded yet on that day: the first branches are
        on = max(on, min(u.founded for u in plan.member_units))
        branch = plan.pick_branch(rng, on)
    assert branch is not None, "no member unit alive on the date"
    if kind == "admit":
        age_days = int(rng.triangular(18.3, 50, 23.5) * 365.25)
        birth = on - dt.timedelta(days=age_days)
        if age_on(birth, on) < 18:
            birth = add_years(on, -18) - dt.timedelta(days=40)
        person = builder.profile(birth, sex, branch.id)
        if branch.flavour in ("agency", "health", "school"):
            agencies = plan.agency_ids
            builder.exam_unit = agencies[rng.randrange(len(agencies))] if agencies else None
        builder.admit(on, branch.id)
    elif kind in ("stock", "arrive"):
        admitted = on - dt.timedelta(days=int(rng.uniform(1, 25 if kind == "arrive" else 30) * 365.25))
        if kind == "stock":
            admitted = rand_date(rng, dt.date(1945, 1, 1), dt.date(1974, 12, 31))
        birth = admitted - dt.timedelta(days=int(rng.uniform(19, 35) * 365.25))
        person = builder.profile(birth, sex, branch.id)
        builder.arrive(on, branch.id, admitted)
    else:  # candidate
        birth = on - dt.timedelta(days=int(rng.uniform(19, 35) * 365.25))
        person = builder.profile(birth, sex, branch.id)
        builder.emit(Ev("training", on, subtype="party_awareness", unit=branch.id, end_on=min(on + dt.timedelta(days=4), until)))
        return Life(person, builder.events)
    builder.run(on, birth)
    return Life(person, builder.events, builder.disciplined_years)


def cadre_life(builder: LifeBuilder, spec: CadreSpec) -> Life:
    """A member who holds the posts of `spec`: admitted young, trained, planned, then appointed,
    renewed, and relieved, rotated, dismissed or retired as the plan says."""
    rng, plan, until = builder.rng, builder.plan, builder.until
    first_start = spec.terms[0].start
    admitted = spec.birth + dt.timedelta(days=int(rng.uniform(22, 30) * 365.25))
    if admitted > add_years(first_start, -4):
        admitted = add_years(first_start, -rng.randint(4, 9))
    if age_on(spec.birth, admitted) < 19:
        admitted = add_years(spec.birth, 19) + dt.timedelta(days=30)
    last_end = max((t.end or until) for t in spec.terms)
    builder.protected_until = max(last_end, retirement_on(spec.birth, spec.sex))
    if admitted < START + dt.timedelta(days=60):
        on = rand_date(rng, START, dt.date(1977, 12, 31))
        branch = plan.pick_branch(rng, on, district=spec.district) or plan.pick_branch(rng, on)
        assert branch is not None
        person = builder.profile(spec.birth, spec.sex, branch.id)
        builder.arrive(on, branch.id, admitted - dt.timedelta(days=20))
        start = on
    else:
        branch = plan.pick_branch(rng, admitted, district=spec.district) or plan.pick_branch(rng, admitted)
        assert branch is not None
        person = builder.profile(spec.birth, spec.sex, branch.id)
        if person.education not in ("Đại học", "Thạc sĩ", "Tiến sĩ"):
            person.education = rng.choice(("Đại học", "Đại học", "Thạc sĩ"))
        builder.admit(admitted, branch.id)
        start = admitted
    for term in spec.terms:
        schedule_term(builder, term, spec)
    retire = retirement_on(spec.birth, spec.sex)
    if spec.terms[-1].exit in ("rotation", "redeployment") and retire <= until:
        builder.schedule(retire, "decision", Ev("decision", retire, subtype="retirement", unit=None,
                                                 decided_by=plan.root.issuer, note="Nghỉ hưu theo chế độ"))
    builder.run(start, spec.birth)
    return Life(person, builder.events, builder.disciplined_years)


def schedule_term(builder: LifeBuilder, term: CadreTerm, spec: CadreSpec) -> None:
    rng, plan, until = builder.rng, builder.plan, builder.until
    post = term.post
    unit = plan.units[post.unit]
    start = term.start
    signer = plan.units.get(plan.parent_on(unit.id, start) or -1) or plan.root
    by = signer.issuer or plan.root.issuer
    abbr = signer.issuer_abbr or "TU"

    def decision(on: dt.date, subtype: str, **extra: Any) -> None:
        if on <= until:
            builder.schedule(on, "decision", Ev("decision", on, subtype=subtype, decided_on=on - dt.timedelta(days=rng.randint(0, 12)),
                                                decided_by=by, decision_no=f"{rng.randint(10, 2999)}-QĐ/{abbr}", **extra))

    # Planning for the post before taking it (HD 15-2012, QĐ 50-2021): the period containing the start.
    period = next((p for p in PLANNING_PERIODS if p[0] <= start.year < p[1]), None)
    planned_on = start - dt.timedelta(days=rng.randint(300, 800))
    if period is None and start.year < 2010:
        period = ((start.year - 2000) // 5 * 5 + 2000, (start.year - 2000) // 5 * 5 + 2005)
    key = (post.position, post.unit, period)
    if period and planned_on.year >= 1996 and term.first != "designation" and key not in builder.planned:
        builder.planned.add(key)
        builder.schedule(planned_on, "decision", Ev("planning", planned_on, subtype="add", position=post.position, term=f"{period[0]}-{period[1]}",
                                                    unit=post.unit if unit.alive(planned_on) else None, decided_by=by))
    # Training the post needs: political theory before, state management, defence and security after.
    course = start - dt.timedelta(days=rng.randint(500, 1500))
    if course.year >= 1995:
        builder.schedule(course, "decision", Ev("training", course, subtype="political_theory_intermediate", end_on=course + dt.timedelta(days=rng.randint(180, 270)), unit=None))
    if not post.party:
        c = start - dt.timedelta(days=rng.randint(200, 700))
        builder.schedule(c, "decision", Ev("training", c, subtype="state_management", end_on=c + dt.timedelta(days=60), unit=None))
    c = start + dt.timedelta(days=rng.randint(90, 400))
    if c + dt.timedelta(days=12) <= until and (term.end is None or c < term.end):
        builder.schedule(c, "decision", Ev("training", c, subtype="defense_security", end_on=c + dt.timedelta(days=12), unit=None,
                                          details={"group": 2 if post.level <= 2 else 3}))
    if post.level <= 2:
        c = start + dt.timedelta(days=rng.randint(400, 1200))
        if c + dt.timedelta(days=240) <= until and (term.end is None or c < term.end):
            builder.schedule(c, "decision", Ev("training", c, subtype="political_theory_advanced", end_on=c + dt.timedelta(days=240), unit=None))
    if rng.random() < 0.2:
        c = start + dt.timedelta(days=rng.randint(100, 1500))
        if c + dt.timedelta(days=30) <= until:
            builder.schedule(c, "decision", Ev("training", c, subtype="professional", end_on=c + dt.timedelta(days=30), unit=None))
    # Competitive exam for appointed posts (the 2017 pilot, DOMAIN-RULES.md §5.6).
    if post.appointed and start.year >= 2018 and rng.random() < 0.4:
        builder.schedule(start - dt.timedelta(days=rng.randint(60, 120)), "exam", (post.position, post.unit, "passed"))
    nominated = start - dt.timedelta(days=rng.randint(20, 40))
    if not post.party and not post.appointed and term.first == "assignment" and unit.alive(nominated):
        decision(nominated, "nomination", position=post.position, unit=post.unit)
    decision(start, term.first, position=post.position, unit=post.unit)
    for r in term.renewals:
        decision(r, "reappointment", position=post.position, unit=post.unit)
    # Planning for a higher post while in this one; some are later taken out of it.
    if rng.random() < 0.3:
        on = add_years(start, 2)
        nxt = next((p for p in PLANNING_PERIODS if p[0] <= on.year + 3 < p[1]), None)
        # only someone who can serve the whole planned term (QĐ 50-2021, HD 16-2022)
        if nxt and on <= until and (term.end is None or on < term.end) and retirement_on(spec.birth, spec.sex) > dt.date(nxt[1], 12, 31):
            higher = "Bí thư" if post.position.startswith("Phó") else f"{post.position} (cấp trên)"
            builder.schedule(on, "decision", Ev("planning", on, subtype="add", position=higher, term=f"{nxt[0]}-{nxt[1]}", decided_by=by))
            if rng.random() < 0.4 or term.exit == "removal_from_post":
                off = term.end if term.exit == "removal_from_post" and term.end else add_years(on, 2)
                if on < off <= until:
                    builder.schedule(off, "decision", Ev("planning", off, subtype="remove", position=higher, term=f"{nxt[0]}-{nxt[1]}", decided_by=by,
                                                        note="Không còn đủ tiêu chuẩn, điều kiện"))
    if "Tổ chức" in post.position:
        award = dt.date(start.year + 5, 10, 14)
        if award <= until and (term.end is None or award < term.end):
            builder.schedule(award, "decision", Ev("award", award, subtype="medal_org_building", decided_by="Ban Tổ chức Trung ương"))
    if term.end is None:
        return
    end = term.end
    if term.exit == "reorg":
        # relieved on the unit's last day; the new post starts the next day
        decision(end - dt.timedelta(days=1), "relief", position=post.position, unit=post.unit)
    elif term.exit == "relief":
        decision(end, "relief", position=post.position, unit=post.unit)
    elif term.exit == "dismissal":
        decision(end, "dismissal", position=post.position, unit=post.unit)
    elif term.exit == "retirement":
        decision(end, "retirement", position=post.position, unit=post.unit, note="Nghỉ hưu theo chế độ")
    elif term.exit == "removal_from_post":
        # the party discipline first; the state decision follows within 30 working days
        builder.schedule(end - dt.timedelta(days=rng.randint(15, 35)), "discipline_post", post)
        decision(end, "dismissal", position=post.position, unit=post.unit)
    elif term.exit in ("rotation", "redeployment"):
        target = pick_other_unit(rng, plan, end, exclude=post.unit)
        if target is not None:
            position = "Phó Trưởng ban" if rng.random() < 0.5 else "Chuyên viên chính"
            rotation_period = next((p for p in PLANNING_PERIODS if p[0] <= end.year < p[1]), None)
            if rotation_period and end - dt.timedelta(days=200) > start:
                # luân chuyển is for cadres in the planning list (QĐ 98-2017, QĐ 65-2022)
                builder.schedule(end - dt.timedelta(days=200), "decision", Ev("planning", end - dt.timedelta(days=200), subtype="add", position=position,
                                                                            unit=target, term=f"{rotation_period[0]}-{rotation_period[1]}", decided_by=by))
            extra = {"end_on": add_years(end, 3)} if term.exit == "rotation" else {}
            decision(end, term.exit, position=position, unit=post.unit, to_unit=target, **extra)
        else:
            decision(end, "relief", position=post.position, unit=post.unit)


def pick_other_unit(rng: random.Random, plan: ProvincePlan, on: dt.date, exclude: int) -> int | None:
    options = [u.id for u in plan.units.values() if u.kind in ("agency", "district", "front", "mass_org") and u.alive(on) and u.id != exclude]
    return rng.choice(options) if options else None


