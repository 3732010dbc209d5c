"""The narrative of the year-end report, in the order and tone of a real summary.

Sentences are computed from the figures and adapt to zero values and to being over or under
target. Numbers go through `tochuc.lib.numbers` (3.105, 8,25%), dates through `format_date`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from tochuc.events.kinds import CADRE_DECISION_SUBTYPES, EVALUATION_SUBTYPES, TRAINING_SUBTYPES
from tochuc.lib.dates import format_date
from tochuc.lib.numbers import format_int, format_percent
from tochuc.reports.figures import BADGE_YEARS

if TYPE_CHECKING:
    from tochuc.reports.annual import AnnualReport


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)

    def as_text(self) -> str:
        return "\n".join([self.heading, *self.paragraphs])


def _n(report: AnnualReport, key: str) -> int:
    value = report.value(key)
    return int(value) if isinstance(value, int) else 0


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _listing(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " và " + parts[-1]


def _share(part: int, whole: int) -> str:
    if not whole:
        return ""
    pct = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f" (chiếm {format_percent(pct)})"


def admission_sentence(
    admitted: int, readmitted: int, target: int | None, vs: Decimal | None, in_period: str
) -> str:
    """ "Các cấp ủy đảng đã kết nạp 3.105 đảng viên, vượt 8,25% kế hoạch." and its variants."""
    if admitted == 0:
        text = f"{in_period[:1].upper() + in_period[1:]}, các cấp ủy đảng chưa kết nạp được đảng viên nào"
        if target:
            text += f" (chỉ tiêu {format_int(target)} đảng viên)"
        return text + "."
    text = f"Các cấp ủy đảng đã kết nạp {format_int(admitted)} đảng viên"
    if readmitted:
        text += f" (trong đó kết nạp lại {format_int(readmitted)} đồng chí)"
    if target and vs is not None:
        if vs > 0:
            text += f", vượt {format_percent(vs)} kế hoạch"
        elif vs == 0:
            text += ", đạt 100% kế hoạch"
        else:
            # consistent with the figure: achieved = 100 + vs_target
            text += f", đạt {format_percent(vs + 100)} kế hoạch"
        text += f" (chỉ tiêu {format_int(target)})"
    return text + "."


def _pct(report: AnnualReport, key: str) -> Decimal | None:
    value = report.value(key)
    return value if isinstance(value, Decimal) else None


def planning_paragraphs(report: AnnualReport, last_day: str) -> list[str]:
    """Planning: who was added or removed in the period, the lists standing on the last day for
    the current and the next term, the posts they cover, and the quotas of the newest list."""
    added, removed = _n(report, "cadres.planning.add"), _n(report, "cadres.planning.remove")
    people = report.results.get("cadres.planning.people")
    terms: dict[str, int] = people.extra.get("terms", {}) if people is not None else {}
    posts, covered = (
        _n(report, "cadres.planning.posts"),
        _n(report, "cadres.planning.posts_covered"),
    )
    if not (added or removed or terms):
        return [
            "Chưa có danh sách quy hoạch cán bộ nào được ghi nhận cho các nhiệm kỳ hiện tại và kế tiếp."
        ]
    if added or removed:
        changes = [
            f"bổ sung {format_int(added)} đồng chí vào quy hoạch" if added else "",
            f"đưa {format_int(removed)} đồng chí ra khỏi quy hoạch" if removed else "",
        ]
        text = f"Về công tác quy hoạch cán bộ: trong kỳ đã {_listing([c for c in changes if c])}."
    else:
        text = "Về công tác quy hoạch cán bộ: trong kỳ không có bổ sung hoặc đưa ra khỏi quy hoạch."
    if terms:
        lists = _listing(
            [
                f"nhiệm kỳ {t.replace('-', '–')} có {format_int(n)} đồng chí"
                for t, n in terms.items()
            ]
        )
        text += f" Tính đến ngày {last_day}, danh sách quy hoạch {lists}"
        coverage = _pct(report, "cadres.planning.coverage")
        if posts and coverage is not None:
            text += (
                f"; {format_int(covered)}/{format_int(posts)} chức danh trong danh mục đã có người"
                f" quy hoạch (đạt {format_percent(coverage)})"
            )
        text += "."
    paragraphs = [text]
    quota_parts = []
    newest = None
    for key, who in (
        ("women", "cán bộ nữ"),
        ("young", "cán bộ trẻ"),
        ("minority", "cán bộ người dân tộc thiểu số"),
    ):
        result = report.results.get(f"cadres.planning.{key}_pct")
        if result is None or result.value is None:
            continue
        newest = result.extra.get("term") or newest
        pct = Decimal(result.value)
        part = f"{who} chiếm {format_percent(pct)}"
        required = result.extra.get("required")
        if required is not None:
            verdict = "đạt" if pct >= required else "chưa đạt"
            part += f" ({verdict} tỷ lệ tối thiểu {format_percent(Decimal(required))})"
        quota_parts.append(part)
    if quota_parts and newest:
        paragraphs.append(
            f"Trong danh sách quy hoạch nhiệm kỳ {newest.replace('-', '–')}, {_listing(quota_parts)}."
        )
    return paragraphs


def rotation_sentence(rotated: int, ongoing: int, last_day: str) -> str:
    """ "Thực hiện luân chuyển 2 đồng chí; đến ngày 31/12/2017 có 2 đồng chí đang luân chuyển." """
    if rotated and ongoing:
        return f"Thực hiện luân chuyển {format_int(rotated)} đồng chí; đến ngày {last_day} có {format_int(ongoing)} đồng chí đang luân chuyển."
    if rotated:
        return f"Thực hiện luân chuyển {format_int(rotated)} đồng chí."
    if ongoing:
        return f"Trong kỳ không có cán bộ được luân chuyển mới; đến ngày {last_day} có {format_int(ongoing)} đồng chí đang luân chuyển."
    return "Trong kỳ không có cán bộ được luân chuyển."


def selection_sentence(decided: int, candidates: int, appointed: int) -> str:
    """Competitive selection (a pilot in most places): said only when something happened."""
    if decided:
        text = f"Tổ chức thi tuyển {format_int(decided)} chức danh lãnh đạo, quản lý với {format_int(candidates)} người dự thi"
        if appointed:
            text += f"; đã bổ nhiệm {format_int(appointed)} đồng chí trúng tuyển"
        return text + "."
    if appointed:
        return f"Bổ nhiệm {format_int(appointed)} đồng chí trúng tuyển qua thi tuyển chức danh lãnh đạo, quản lý."
    return ""


def staffing_sentence(report: AnnualReport) -> str:
    """Staffing and the streamlining against the target of the period (e.g. NQ 39-NQ/TW)."""
    quota_result = report.results.get("cadres.staffing.quota")
    quota, actual = _n(report, "cadres.staffing.quota"), _n(report, "cadres.staffing.actual")
    if quota_result is None or not (quota or actual):
        return ""
    year = quota_result.extra.get("year", report.period.end.year)
    text = f"Biên chế được giao năm {year} là {format_int(quota)}, có mặt {format_int(actual)}."
    reduction_result = report.results.get("cadres.staffing.reduction")
    reduction = _pct(report, "cadres.staffing.reduction")
    if reduction_result is None or reduction is None:
        return text
    base_years = reduction_result.extra.get("base_years", [])
    since = f"năm {base_years[0]}" if len(base_years) == 1 else "năm gốc của chỉ tiêu"
    moved = (
        f"đã giảm {format_percent(reduction)}"
        if reduction >= 0
        else f"tăng {format_percent(-reduction)}"
    )
    text += f" So với {since}, biên chế được giao {moved}"
    required = _pct(report, "cadres.staffing.reduction_required")
    if required is not None:
        verdict = (
            "vượt" if reduction > required else ("đạt" if reduction == required else "chưa đạt")
        )
        text += f", {verdict} chỉ tiêu tinh giản {format_percent(required)}"
        sources = reduction_result.extra.get("sources", [])
        if len(sources) == 1:
            text += f" theo {sources[0]}"
    return text + "."


def narrative(report: AnnualReport) -> list[Section]:
    period = report.period
    in_period = "trong " + period.label()
    last_day = format_date(period.end)
    name = report.frame.root_name
    sections: list[Section] = []

    # I. Tổ chức bộ máy
    s = Section("I. CÔNG TÁC TỔ CHỨC BỘ MÁY")
    congresses = report.results["units.congresses"]
    n = int(congresses.value or 0)
    if n:
        terms = congresses.extra.get("terms", {})
        term_text = _listing(
            [
                f"nhiệm kỳ {t.replace('-', '–')}"
                + (f" ({format_int(c)} đại hội)" if len(terms) > 1 else "")
                for t, c in terms.items()
                if t
            ]
        )
        s.paragraphs.append(
            f"{in_period[:1].upper() + in_period[1:]}, {format_int(n)} tổ chức đảng đã tiến hành đại hội"
            + (f" {term_text}" if term_text else "")
            + ", bảo đảm đúng nguyên tắc, quy trình theo quy định."
        )
    else:
        s.paragraphs.append(
            f"{in_period[:1].upper() + in_period[1:]}, không có tổ chức đảng nào tiến hành đại hội."
        )
    founded, merged, dissolved = (
        _n(report, k) for k in ("units.founded", "units.merged", "units.dissolved")
    )
    changes = [
        f"thành lập mới {format_int(founded)}" if founded else "",
        f"hợp nhất, sáp nhập {format_int(merged)}" if merged else "",
        f"giải thể {format_int(dissolved)}" if dissolved else "",
    ]
    changes = [c for c in changes if c]
    if changes:
        s.paragraphs.append(f"Thực hiện sắp xếp tổ chức bộ máy: {_listing(changes)} tổ chức đảng.")
    else:
        s.paragraphs.append(
            "Hệ thống tổ chức đảng được giữ ổn định, không có thay đổi về thành lập, sáp nhập hay giải thể."
        )
    sections.append(s)

    # II. Công tác cán bộ
    s = Section("II. CÔNG TÁC CÁN BỘ")
    decided = _n(report, "cadres.decided")
    if decided:
        kinds = [
            f"{_lower_first(label)} {format_int(_n(report, f'cadres.decisions.{code}'))}"
            for code, label in CADRE_DECISION_SUBTYPES.items()
            if _n(report, f"cadres.decisions.{code}")
        ]
        total = sum(_n(report, f"cadres.decisions.{c}") for c in CADRE_DECISION_SUBTYPES)
        s.paragraphs.append(
            f"Ban hành {format_int(total)} quyết định về công tác cán bộ đối với {format_int(decided)} đồng chí, gồm: {_listing(kinds)}."
        )
    else:
        s.paragraphs.append(
            f"{in_period[:1].upper() + in_period[1:]}, không có quyết định nào về công tác cán bộ được ghi nhận."
        )
    s.paragraphs.extend(planning_paragraphs(report, last_day))
    trained = [
        f"{_lower_first(label)} {format_int(_n(report, f'training.{code}'))} đồng chí"
        for code, label in TRAINING_SUBTYPES.items()
        if _n(report, f"training.{code}")
    ]
    if trained:
        text = f"Công tác đào tạo, bồi dưỡng: cử cán bộ, đảng viên tham gia các lớp {_listing(trained)}."
    else:
        text = "Không có cán bộ, đảng viên bắt đầu khóa đào tạo, bồi dưỡng nào trong kỳ."
    gaps = _n(report, "cadres.training.gaps")
    if gaps:
        text += (
            f" Đến ngày {last_day} còn {format_int(gaps)} đồng chí đang giữ hoặc trong quy hoạch chức danh"
            " chưa đạt chuẩn về đào tạo, cần đưa vào kế hoạch đào tạo, bồi dưỡng năm tới."
        )
    s.paragraphs.append(text)
    s.paragraphs.append(
        rotation_sentence(
            _n(report, "cadres.rotated"), _n(report, "cadres.rotation.ongoing"), last_day
        )
    )
    selection = selection_sentence(
        _n(report, "cadres.selections.decided"),
        _n(report, "cadres.selections.candidates"),
        _n(report, "cadres.selections.appointed"),
    )
    if selection:
        s.paragraphs.append(selection)
    staffing = staffing_sentence(report)
    if staffing:
        s.paragraphs.append(staffing)
    sections.append(s)

    # III. Đảng viên
    s = Section("III. CÔNG TÁC ĐẢNG VIÊN")
    target = report.value("members.admitted.target")
    vs = report.value("members.admitted.vs_target")
    s.paragraphs.append(
        admission_sentence(
            _n(report, "members.admitted"),
            _n(report, "members.readmitted"),
            int(target) if isinstance(target, int) else None,
            vs if isinstance(vs, Decimal) else None,
            in_period,
        )
    )
    recognized = _n(report, "members.recognized")
    s.paragraphs.append(
        f"Xét, công nhận đảng viên chính thức cho {format_int(recognized)} đồng chí."
        if recognized
        else "Không có trường hợp công nhận đảng viên chính thức trong kỳ."
    )
    t_in, t_out = _n(report, "members.transferred_in"), _n(report, "members.transferred_out")
    if t_in or t_out:
        parts = [
            f"tiếp nhận {format_int(t_in)} đảng viên chuyển đến" if t_in else "",
            f"chuyển sinh hoạt đi {format_int(t_out)} đảng viên" if t_out else "",
        ]
        s.paragraphs.append(
            f"Về chuyển sinh hoạt đảng chính thức: {_listing([p for p in parts if p])}."
        )
    else:
        s.paragraphs.append(
            "Không có đảng viên chuyển sinh hoạt đảng chính thức đến hoặc đi khỏi đảng bộ."
        )
    leaving = [
        (
            f"xóa tên {format_int(_n(report, 'members.removed'))} đảng viên",
            _n(report, "members.removed"),
        ),
        (
            f"cho ra khỏi Đảng {format_int(_n(report, 'members.withdrawn'))} đảng viên",
            _n(report, "members.withdrawn"),
        ),
        (
            f"khai trừ {format_int(_n(report, 'members.expelled'))} đảng viên",
            _n(report, "members.expelled"),
        ),
    ]
    parts = [t for t, v in leaving if v]
    deceased = _n(report, "members.deceased")
    text = (
        f"Đã {_listing(parts)}"
        if parts
        else "Không có đảng viên bị xóa tên, cho ra khỏi Đảng hoặc khai trừ"
    )
    text += f"; {format_int(deceased)} đảng viên từ trần." if deceased else "."
    s.paragraphs.append(text)
    disciplined = _n(report, "members.disciplined")
    if disciplined:
        forms = [
            f"{label.lower()} {format_int(_n(report, f'members.disciplined.{code}'))}"
            for code, label in (
                ("reprimand", "Khiển trách"),
                ("warning", "Cảnh cáo"),
                ("removal_from_post", "Cách chức"),
                ("expulsion", "Khai trừ"),
            )
            if _n(report, f"members.disciplined.{code}")
        ]
        s.paragraphs.append(
            f"Thi hành kỷ luật {format_int(disciplined)} đảng viên ({_listing(forms)})."
        )
    else:
        s.paragraphs.append("Không có đảng viên bị thi hành kỷ luật.")
    badges = [(y, _n(report, f"members.badges.{y}")) for y in BADGE_YEARS]
    total_badges = sum(v for _, v in badges)
    if total_badges:
        detail = _listing([f"{y} năm tuổi Đảng {format_int(v)} đồng chí" for y, v in badges if v])
        s.paragraphs.append(
            f"Trao tặng Huy hiệu Đảng cho {format_int(total_badges)} đồng chí, trong đó: {detail}."
        )
    else:
        s.paragraphs.append("Không có đảng viên được trao tặng Huy hiệu Đảng trong kỳ.")
    total = _n(report, "members.total")
    full, prob, exempt, female = (
        _n(report, k)
        for k in ("members.full", "members.probationary", "members.exempt", "members.female")
    )
    text = f"Tính đến ngày {last_day}, {name} có {format_int(total)} đảng viên"
    if total:
        parts = [f"{format_int(full)} đảng viên chính thức", f"{format_int(prob)} đảng viên dự bị"]
        if exempt:
            parts.append(f"{format_int(exempt)} đảng viên được miễn công tác và sinh hoạt đảng")
        text += f", gồm {_listing(parts)}"
        if female:
            text += f"; đảng viên nữ {format_int(female)} đồng chí{_share(female, total)}"
    s.paragraphs.append(text + ".")
    sections.append(s)

    # IV. Đánh giá chất lượng
    s = Section("IV. ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG")
    years = (
        period.label().replace("năm ", "")
        if period.is_calendar_year
        else f"{period.years[0]}–{period.years[1]}"
    )
    for prefix, who, unit_word in (
        ("members", "đảng viên", "đồng chí"),
        ("units", "tổ chức đảng", "tổ chức"),
    ):
        counts = [
            (label, _n(report, f"{prefix}.evaluated.{code}"))
            for code, label in EVALUATION_SUBTYPES.items()
        ]
        whole = sum(v for _, v in counts)
        if whole:
            parts = [
                f"{_lower_first(label)} {format_int(v)} {unit_word}{_share(v, whole)}"
                for label, v in counts
                if v
            ]
            s.paragraphs.append(
                f"Kết quả đánh giá, xếp loại {who} năm {years}: {format_int(whole)} {who} được xếp loại, trong đó {_listing(parts)}."
            )
        else:
            s.paragraphs.append(f"Chưa có kết quả đánh giá, xếp loại {who} năm {years}.")
    sections.append(s)
    return sections
