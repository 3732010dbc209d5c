"""The figure registry: every figure is a named definition (DESIGN.md §2.3 and §5).

A definition says in words what it counts and carries the filter that counts it; the selectors in
`reports.selectors` turn the same definition into the value, the breakdown by the units directly
below the scope root, and the rows behind the number. Keys are a contract: add, never rename.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from tochuc.events.kinds import (
    AWARD_SUBTYPES,
    CADRE_DECISION_SUBTYPES,
    EVALUATION_SUBTYPES,
    KINDS,
    TRAINING_SUBTYPES,
)
from tochuc.lib.dates import format_date

BADGE_YEARS = (30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90)
PLANNING_SUBTYPES = KINDS["planning"].subtypes
PERSON_DISCIPLINE_SUBTYPES = KINDS["discipline"].subtypes
# Award codes are an open catalogue (DOMAIN.md): any code of this shape is a valid key.
AWARD_CODE = re.compile(r"^[a-z0-9_]{1,64}$")


class Source(StrEnum):
    """Where a figure's rows come from."""

    EVENTS = "events"  # person events with effective date in the period
    TRANSFER_IN = "transfer_in"  # official transfers crossing the boundary inwards
    TRANSFER_OUT = "transfer_out"
    MEMBERS = "members"  # membership intervals open on the last day
    EVALUATIONS = "evaluations"  # person evaluations for the years of the period
    UNIT_EVENTS = "unit_events"  # congresses held in the period
    UNIT_EVALUATIONS = "unit_evaluations"  # unit evaluations for the years of the period
    TARGET = "target"  # targets set for the year
    VS_TARGET = "vs_target"  # derived: (value / target − 1) × 100
    CADRES = "cadres"  # planning lists, posts, rotation, selections, staffing: tochuc.cadres.report


class Count(StrEnum):
    ROWS = "rows"  # each event / interval counts once
    PEOPLE = "people"  # distinct people


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @property
    def is_calendar_year(self) -> bool:
        return (
            self.start.year == self.end.year
            and (self.start.month, self.start.day) == (1, 1)
            and (self.end.month, self.end.day) == (12, 31)
        )

    @property
    def is_whole_years(self) -> bool:
        """From a 1 January to a 31 December (the year counts answer such periods)."""
        return (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31)

    @property
    def years(self) -> tuple[int, int]:
        return self.start.year, self.end.year

    def label(self) -> str:
        if self.is_calendar_year:
            return f"năm {self.start.year}"
        return f"từ {format_date(self.start)} đến {format_date(self.end)}"


@dataclass(frozen=True)
class FigureDef:
    key: str
    label: str
    definition: str
    source: Source
    kinds: tuple[str, ...] = ()
    subtype: str | None = None  # None: any subtype
    statuses: tuple[str, ...] = ()  # MEMBERS: which statuses
    sex: str = ""  # MEMBERS: only this sex
    count: Count = Count.ROWS
    metric: str = ""  # TARGET / VS_TARGET: the figure the target aims at
    section: str = "members"

    @property
    def rows_are_people(self) -> bool:
        return self.source in (
            Source.EVENTS,
            Source.EVALUATIONS,
            Source.MEMBERS,
            Source.TRANSFER_IN,
            Source.TRANSFER_OUT,
        )

    @property
    def has_rows(self) -> bool:
        return self.source != Source.VS_TARGET and self.key not in SHARE_KEYS


MEMBER_STATUSES = ("probationary", "full", "exempt")
_LAST_DAY = "vào ngày cuối của kỳ, theo đơn vị đảng viên sinh hoạt vào ngày đó (chuyển sinh hoạt tạm thời không làm thay đổi đơn vị)"
_IN_PERIOD = "có ngày hiệu lực trong kỳ, thuộc các đơn vị trong phạm vi (cây đơn vị như vào ngày cuối kỳ); sự kiện đã hủy không tính"

STATIC: tuple[FigureDef, ...] = (
    FigureDef(
        "members.total",
        "Tổng số đảng viên",
        f"Số đảng viên (dự bị, chính thức, kể cả miễn sinh hoạt) {_LAST_DAY}.",
        Source.MEMBERS,
        statuses=MEMBER_STATUSES,
    ),
    FigureDef(
        "members.full",
        "Đảng viên chính thức",
        f"Số đảng viên chính thức đang sinh hoạt {_LAST_DAY}.",
        Source.MEMBERS,
        statuses=("full",),
    ),
    FigureDef(
        "members.probationary",
        "Đảng viên dự bị",
        f"Số đảng viên dự bị {_LAST_DAY}.",
        Source.MEMBERS,
        statuses=("probationary",),
    ),
    FigureDef(
        "members.exempt",
        "Đảng viên được miễn sinh hoạt",
        f"Số đảng viên đang được miễn công tác và sinh hoạt đảng {_LAST_DAY}; đã tính trong tổng số.",
        Source.MEMBERS,
        statuses=("exempt",),
    ),
    FigureDef(
        "members.female",
        "Đảng viên nữ",
        f"Số đảng viên nữ {_LAST_DAY}.",
        Source.MEMBERS,
        statuses=MEMBER_STATUSES,
        sex="female",
    ),
    FigureDef(
        "members.admitted",
        "Kết nạp đảng viên",
        f"Số quyết định kết nạp và kết nạp lại {_IN_PERIOD}.",
        Source.EVENTS,
        kinds=("admission", "readmission"),
    ),
    FigureDef(
        "members.admitted.new",
        "Kết nạp mới",
        f"Số quyết định kết nạp lần đầu {_IN_PERIOD}.",
        Source.EVENTS,
        kinds=("admission",),
    ),
    FigureDef(
        "members.readmitted",
        "Kết nạp lại",
        f"Số quyết định kết nạp lại {_IN_PERIOD}; đã tính trong số kết nạp.",
        Source.EVENTS,
        kinds=("readmission",),
    ),
    FigureDef(
        "members.recognized",
        "Công nhận đảng viên chính thức",
        f"Số quyết định công nhận đảng viên chính thức {_IN_PERIOD}.",
        Source.EVENTS,
        kinds=("recognition",),
    ),
    FigureDef(
        "members.transferred_in",
        "Chuyển sinh hoạt đến",
        "Số lượt chuyển sinh hoạt đảng chính thức có ngày hiệu lực trong kỳ, từ ngoài phạm vi (hoặc ngoài hệ thống) vào một đơn vị trong phạm vi; chuyển giữa hai đơn vị cùng trong phạm vi và chuyển tạm thời không tính.",
        Source.TRANSFER_IN,
    ),
    FigureDef(
        "members.transferred_out",
        "Chuyển sinh hoạt đi",
        "Số lượt chuyển sinh hoạt đảng chính thức có ngày hiệu lực trong kỳ, từ một đơn vị trong phạm vi ra ngoài phạm vi (hoặc ngoài hệ thống); chuyển giữa hai đơn vị cùng trong phạm vi và chuyển tạm thời không tính.",
        Source.TRANSFER_OUT,
    ),
    FigureDef(
        "members.removed",
        "Xóa tên",
        f"Số đảng viên bị xóa tên {_IN_PERIOD}.",
        Source.EVENTS,
        kinds=("removal",),
    ),
    FigureDef(
        "members.expelled",
        "Khai trừ",
        f"Số đảng viên bị kỷ luật khai trừ {_IN_PERIOD}.",
        Source.EVENTS,
        kinds=("discipline",),
        subtype="expulsion",
    ),
    FigureDef(
        "members.withdrawn",
        "Cho ra khỏi Đảng",
        f"Số đảng viên được cho ra khỏi Đảng {_IN_PERIOD}.",
        Source.EVENTS,
        kinds=("withdrawal",),
    ),
    FigureDef(
        "members.deceased",
        "Đảng viên từ trần",
        f"Số đảng viên từ trần {_IN_PERIOD}.",
        Source.EVENTS,
        kinds=("death",),
    ),
    FigureDef(
        "members.disciplined",
        "Đảng viên bị kỷ luật",
        f"Số người (không trùng lặp) bị kỷ luật bằng bất kỳ hình thức nào, quyết định {_IN_PERIOD}.",
        Source.EVENTS,
        kinds=("discipline",),
        count=Count.PEOPLE,
    ),
    FigureDef(
        "cadres.decided",
        "Cán bộ có quyết định",
        f"Số người (không trùng lặp) có ít nhất một quyết định về cán bộ {_IN_PERIOD}.",
        Source.EVENTS,
        kinds=("decision",),
        count=Count.PEOPLE,
        section="cadres",
    ),
    FigureDef(
        "units.congresses",
        "Đại hội đã tổ chức",
        "Số đại hội của các tổ chức đảng trong phạm vi (kể cả đơn vị gốc) tổ chức trong kỳ, kèm nhiệm kỳ; đại hội đã hủy không tính.",
        Source.UNIT_EVENTS,
        kinds=("congress",),
        section="units",
    ),
    FigureDef(
        "units.founded",
        "Tổ chức đảng thành lập mới",
        "Số tổ chức đảng trong phạm vi được thành lập trong kỳ.",
        Source.UNIT_EVENTS,
        kinds=("founding",),
        section="units",
    ),
    FigureDef(
        "units.merged",
        "Tổ chức đảng hợp nhất, sáp nhập",
        "Số tổ chức đảng trong phạm vi hợp nhất, sáp nhập vào tổ chức khác trong kỳ (tính theo đơn vị tiếp nhận).",
        Source.UNIT_EVENTS,
        kinds=("merger",),
        section="units",
    ),
    FigureDef(
        "units.dissolved",
        "Tổ chức đảng giải thể",
        "Số tổ chức đảng trong phạm vi giải thể trong kỳ.",
        Source.UNIT_EVENTS,
        kinds=("dissolution",),
        section="units",
    ),
    FigureDef(
        "members.admitted.target",
        "Chỉ tiêu kết nạp",
        "Chỉ tiêu kết nạp đảng viên của năm giao cho đơn vị gốc; nếu đơn vị gốc không có chỉ tiêu thì là tổng chỉ tiêu của các đơn vị cao nhất có chỉ tiêu bên dưới. Chỉ có khi kỳ là một năm dương lịch.",
        Source.TARGET,
        metric="members.admitted",
    ),
    FigureDef(
        "members.admitted.vs_target",
        "So với chỉ tiêu kết nạp (%)",
        "(Số kết nạp / chỉ tiêu − 1) × 100, làm tròn nửa lên 2 chữ số thập phân: dương là vượt, âm là chưa đạt chỉ tiêu. Không có khi không có chỉ tiêu.",
        Source.VS_TARGET,
        metric="members.admitted",
    ),
)
# Cadre work beyond plain events (issue 6): counted by `tochuc.cadres.report`, joined into the
# annual report and the dashboard after the figures above. Percentages in SHARE_KEYS are shares
# (never signed like a comparison with a target) and have no rows of their own.
_PLANNED = "trong danh sách quy hoạch vào ngày cuối của kỳ, cho các chức danh thuộc các đơn vị trong phạm vi; người đã được đưa ra khỏi quy hoạch không tính"
_NEWEST = f"{_PLANNED}, của nhiệm kỳ quy hoạch mới nhất đang có người quy hoạch"


def _cadre(key: str, label: str, definition: str) -> FigureDef:
    return FigureDef(key, label, definition, Source.CADRES, section="cadres")


CADRE_STATIC: tuple[FigureDef, ...] = (
    _cadre(
        "cadres.planning.people",
        "Cán bộ trong quy hoạch",
        f"Số người (không trùng lặp) {_PLANNED}, của các nhiệm kỳ quy hoạch chưa kết thúc (nhiệm kỳ hiện tại và nhiệm kỳ kế tiếp); kèm số người theo từng nhiệm kỳ.",
    ),
    _cadre(
        "cadres.planning.posts",
        "Chức danh trong danh mục",
        "Số chức danh lãnh đạo, quản lý đang sử dụng trong danh mục chức danh của các đơn vị trong phạm vi.",
    ),
    _cadre(
        "cadres.planning.posts_covered",
        "Chức danh đã có người quy hoạch",
        "Số chức danh trong danh mục đã có ít nhất một người trong quy hoạch nhiệm kỳ hiện tại hoặc kế tiếp vào ngày cuối của kỳ.",
    ),
    _cadre(
        "cadres.planning.coverage",
        "Tỷ lệ chức danh có người quy hoạch (%)",
        "Số chức danh đã có người quy hoạch / số chức danh trong danh mục × 100, làm tròn nửa lên 2 chữ số thập phân; không có khi danh mục trống.",
    ),
    _cadre(
        "cadres.planning.women",
        "Cán bộ nữ trong quy hoạch",
        f"Số cán bộ nữ (không trùng lặp) {_NEWEST}.",
    ),
    _cadre(
        "cadres.planning.women_pct",
        "Tỷ lệ cán bộ nữ trong quy hoạch (%)",
        f"Số cán bộ nữ / số người {_NEWEST} × 100, làm tròn nửa lên 2 chữ số thập phân; so với tỷ lệ tối thiểu của nhiệm kỳ quy hoạch (Quy định 50-QĐ/TW: ít nhất 25%).",
    ),
    _cadre(
        "cadres.planning.young",
        "Cán bộ trẻ trong quy hoạch",
        f"Số cán bộ (không trùng lặp) {_NEWEST}, chưa đến tuổi trẻ tối đa của nhiệm kỳ (mặc định dưới 40 tuổi) vào ngày đầu nhiệm kỳ quy hoạch.",
    ),
    _cadre(
        "cadres.planning.young_pct",
        "Tỷ lệ cán bộ trẻ trong quy hoạch (%)",
        f"Số cán bộ trẻ / số người {_NEWEST} × 100, làm tròn nửa lên 2 chữ số thập phân; so với tỷ lệ tối thiểu của nhiệm kỳ quy hoạch (Quy định 50-QĐ/TW: ít nhất 15%).",
    ),
    _cadre(
        "cadres.planning.minority",
        "Cán bộ dân tộc thiểu số trong quy hoạch",
        f"Số cán bộ (không trùng lặp) người dân tộc thiểu số (dân tộc ghi trong hồ sơ khác Kinh) {_NEWEST}.",
    ),
    _cadre(
        "cadres.planning.minority_pct",
        "Tỷ lệ cán bộ dân tộc thiểu số trong quy hoạch (%)",
        f"Số cán bộ người dân tộc thiểu số / số người {_NEWEST} × 100, làm tròn nửa lên 2 chữ số thập phân.",
    ),
    _cadre(
        "cadres.rotated",
        "Cán bộ được luân chuyển",
        "Số người (không trùng lặp) có quyết định luân chuyển có ngày hiệu lực trong kỳ, đến hoặc đi từ một đơn vị trong phạm vi (tính ở đơn vị đến khi đơn vị đến thuộc phạm vi); quyết định đã hủy không tính.",
    ),
    _cadre(
        "cadres.rotation.ongoing",
        "Cán bộ đang luân chuyển",
        "Số người (không trùng lặp) đang luân chuyển đến một đơn vị trong phạm vi vào ngày cuối của kỳ: quyết định luân chuyển có hiệu lực từ ngày đó trở về trước và chưa hết thời hạn luân chuyển.",
    ),
    _cadre(
        "cadres.selections.decided",
        "Kỳ thi tuyển có kết quả",
        "Số kỳ thi tuyển chức danh lãnh đạo, quản lý của các đơn vị trong phạm vi có kết quả trong kỳ.",
    ),
    _cadre(
        "cadres.selections.candidates",
        "Thí sinh dự thi tuyển",
        "Số người (không trùng lặp) dự các kỳ thi tuyển có kết quả trong kỳ.",
    ),
    _cadre(
        "cadres.selections.appointed",
        "Bổ nhiệm sau thi tuyển",
        "Số người trúng tuyển được bổ nhiệm vào chức danh thi tuyển, quyết định bổ nhiệm có ngày hiệu lực trong kỳ.",
    ),
    _cadre(
        "cadres.staffing.quota",
        "Biên chế được giao",
        "Tổng biên chế được giao cho năm của ngày cuối kỳ, cộng trên các đơn vị trong phạm vi có số liệu biên chế năm đó.",
    ),
    _cadre(
        "cadres.staffing.actual",
        "Biên chế có mặt",
        "Tổng số biên chế có mặt trong năm của ngày cuối kỳ, cộng trên các đơn vị trong phạm vi có số liệu biên chế năm đó.",
    ),
    _cadre(
        "cadres.staffing.reduction",
        "Tỷ lệ tinh giản biên chế so với năm gốc (%)",
        "(Biên chế được giao năm gốc − biên chế được giao năm của ngày cuối kỳ) / biên chế năm gốc × 100, cộng trên các đơn vị có chỉ tiêu tinh giản đã bắt đầu (năm gốc của chỉ tiêu gần nhất, ví dụ Nghị quyết 39-NQ/TW: năm 2015), làm tròn nửa lên 2 chữ số thập phân.",
    ),
    _cadre(
        "cadres.staffing.reduction_required",
        "Chỉ tiêu tinh giản biên chế (%)",
        "Tỷ lệ tinh giản phải đạt theo chỉ tiêu của các đơn vị đó, bình quân theo biên chế năm gốc (ví dụ Nghị quyết 39-NQ/TW: ít nhất 10% giai đoạn 2015–2021).",
    ),
    _cadre(
        "cadres.training.gaps",
        "Cán bộ chưa đạt chuẩn đào tạo của chức danh",
        "Số người (không trùng lặp) đang giữ hoặc đang trong quy hoạch một chức danh có tiêu chuẩn vào ngày cuối của kỳ mà còn thiếu ít nhất một tiêu chuẩn: lý luận chính trị, quản lý nhà nước, chuyên môn hoặc quốc phòng – an ninh (theo các khóa đào tạo đã hoàn thành).",
    ),
)
CADRE_KEYS: tuple[str, ...] = tuple(f.key for f in CADRE_STATIC)
SHARE_KEYS = frozenset(
    {
        "cadres.planning.coverage",
        "cadres.planning.women_pct",
        "cadres.planning.young_pct",
        "cadres.planning.minority_pct",
        "cadres.staffing.reduction",
        "cadres.staffing.reduction_required",
    }
)
STATIC_BY_KEY = {f.key: f for f in (*STATIC, *CADRE_STATIC)}

_EVAL_DEF = "Số {who} được xếp loại “{label}” trong đánh giá chất lượng của năm {years}, thuộc các đơn vị trong phạm vi; đánh giá đã hủy không tính."


def _dynamic(key: str, award_codes: frozenset[str] = frozenset()) -> FigureDef | None:
    parts = key.split(".")
    head, rest = ".".join(parts[:2]), ".".join(parts[2:])
    if head == "members.badges" and rest.isdigit() and int(rest) in BADGE_YEARS:
        code = f"badge_{rest}"
        return FigureDef(
            key,
            f"Huy hiệu {rest} năm tuổi Đảng",
            f"Số người (không trùng lặp) được tặng Huy hiệu {rest} năm tuổi Đảng, quyết định {_IN_PERIOD}.",
            Source.EVENTS,
            kinds=("award",),
            subtype=code,
            count=Count.PEOPLE,
        )
    if head == "members.evaluated" and rest in EVALUATION_SUBTYPES:
        label = EVALUATION_SUBTYPES[rest]
        return FigureDef(
            key,
            f"Đảng viên {label[0].lower() + label[1:]}",
            _EVAL_DEF.format(who="đảng viên (không trùng lặp)", label=label, years="trong kỳ"),
            Source.EVALUATIONS,
            kinds=("evaluation",),
            subtype=rest,
            count=Count.PEOPLE,
            section="quality",
        )
    if head == "members.disciplined" and rest in PERSON_DISCIPLINE_SUBTYPES:
        label = PERSON_DISCIPLINE_SUBTYPES[rest]
        return FigureDef(
            key,
            f"Kỷ luật {label.lower()}",
            f"Số người (không trùng lặp) bị kỷ luật {label.lower()}, quyết định {_IN_PERIOD}.",
            Source.EVENTS,
            kinds=("discipline",),
            subtype=rest,
            count=Count.PEOPLE,
        )
    if head == "cadres.decisions" and rest in CADRE_DECISION_SUBTYPES:
        label = CADRE_DECISION_SUBTYPES[rest]
        return FigureDef(
            key,
            f"Quyết định {label.lower()}",
            f"Số quyết định {label.lower()} cán bộ {_IN_PERIOD}.",
            Source.EVENTS,
            kinds=("decision",),
            subtype=rest,
            section="cadres",
        )
    if head == "cadres.planning" and rest in PLANNING_SUBTYPES:
        label = PLANNING_SUBTYPES[rest]
        return FigureDef(
            key,
            label,
            f"Số người (không trùng lặp) được {label[0].lower() + label[1:]} cán bộ, quyết định {_IN_PERIOD}.",
            Source.EVENTS,
            kinds=("planning",),
            subtype=rest,
            count=Count.PEOPLE,
            section="cadres",
        )
    if parts[0] == "training" and len(parts) == 2 and parts[1] in TRAINING_SUBTYPES:
        label = TRAINING_SUBTYPES[parts[1]]
        return FigureDef(
            key,
            f"Đào tạo: {label[0].lower() + label[1:]}",
            f"Số người (không trùng lặp) bắt đầu một khóa {label[0].lower() + label[1:]}; ngày bắt đầu khóa học trong kỳ.",
            Source.EVENTS,
            kinds=("training",),
            subtype=parts[1],
            count=Count.PEOPLE,
            section="cadres",
        )
    if parts[0] == "awards" and len(parts) == 2 and AWARD_CODE.match(parts[1]):
        code = parts[1]
        if code not in AWARD_SUBTYPES and code not in award_codes:
            return None
        label = AWARD_SUBTYPES.get(code, code)
        return FigureDef(
            key,
            f"Khen thưởng: {label}",
            f"Số người (không trùng lặp) được khen thưởng “{label}”, quyết định {_IN_PERIOD}.",
            Source.EVENTS,
            kinds=("award",),
            subtype=code,
            count=Count.PEOPLE,
            section="awards",
        )
    if head == "units.evaluated" and rest in EVALUATION_SUBTYPES:
        label = EVALUATION_SUBTYPES[rest]
        return FigureDef(
            key,
            f"Tổ chức đảng {label[0].lower() + label[1:]}",
            _EVAL_DEF.format(who="tổ chức đảng", label=label, years="trong kỳ"),
            Source.UNIT_EVALUATIONS,
            kinds=("evaluation",),
            subtype=rest,
            section="quality",
        )
    for suffix, source in ((".target", Source.TARGET), (".vs_target", Source.VS_TARGET)):
        if key.endswith(suffix):
            base = figure_def(key[: -len(suffix)], award_codes)
            if base is None or base.source in (Source.TARGET, Source.VS_TARGET):
                return None
            if source == Source.TARGET:
                return FigureDef(
                    key,
                    f"Chỉ tiêu: {base.label[0].lower() + base.label[1:]}",
                    f"Chỉ tiêu “{base.label}” của năm giao cho đơn vị gốc, nếu không có thì tổng chỉ tiêu của các đơn vị cao nhất có chỉ tiêu bên dưới.",
                    Source.TARGET,
                    metric=base.key,
                    section=base.section,
                )
            return FigureDef(
                key,
                f"{base.label} so với chỉ tiêu (%)",
                "(Giá trị / chỉ tiêu − 1) × 100, làm tròn nửa lên 2 chữ số thập phân; không có khi không có chỉ tiêu.",
                Source.VS_TARGET,
                metric=base.key,
                section=base.section,
            )
    return None


def figure_def(key: str, award_codes: frozenset[str] = frozenset()) -> FigureDef | None:
    """The definition of a key, or None when no such figure exists."""
    return STATIC_BY_KEY.get(key) or _dynamic(key, award_codes)


def report_keys(award_codes: frozenset[str] = frozenset()) -> list[str]:
    """Every key of the annual report, in the order of a year-end summary."""
    keys = [
        "units.congresses",
        "units.founded",
        "units.merged",
        "units.dissolved",
        *[f"units.evaluated.{c}" for c in EVALUATION_SUBTYPES],
        "cadres.decided",
        *[f"cadres.decisions.{s}" for s in CADRE_DECISION_SUBTYPES],
        *[f"cadres.planning.{s}" for s in PLANNING_SUBTYPES],
        *[f"training.{p}" for p in TRAINING_SUBTYPES],
        "members.total",
        "members.full",
        "members.probationary",
        "members.exempt",
        "members.female",
        "members.admitted",
        "members.admitted.new",
        "members.readmitted",
        "members.admitted.target",
        "members.admitted.vs_target",
        "members.recognized",
        "members.transferred_in",
        "members.transferred_out",
        "members.removed",
        "members.expelled",
        "members.withdrawn",
        "members.deceased",
        "members.disciplined",
        *[f"members.disciplined.{s}" for s in PERSON_DISCIPLINE_SUBTYPES],
        *[f"members.badges.{n}" for n in BADGE_YEARS],
        *[f"members.evaluated.{c}" for c in EVALUATION_SUBTYPES],
        *[f"awards.{c}" for c in sorted(set(AWARD_SUBTYPES) | set(award_codes))],
    ]
    return keys


SECTIONS = {
    "units": "Tổ chức bộ máy",
    "cadres": "Công tác cán bộ",
    "members": "Đảng viên",
    "quality": "Đánh giá, xếp loại chất lượng",
    "awards": "Khen thưởng",
}
