"""The one registry of event kinds: codes, Vietnamese labels, subtypes and shape.

Codes are the stable values of DOMAIN.md. Every interface (forms, importer, API) validates an
event's shape against this registry before any rule runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Subject(StrEnum):
    PERSON = "person"
    UNIT = "unit"


class Status(StrEnum):
    PROBATIONARY = "probationary"
    FULL = "full"
    EXEMPT = "exempt"
    LEFT = "left"


STATUS_LABELS: dict[str, str] = {
    Status.PROBATIONARY: "Dự bị",
    Status.FULL: "Chính thức",
    Status.EXEMPT: "Miễn sinh hoạt",
    Status.LEFT: "Đã ra khỏi Đảng",
}

# Fields an event row may carry besides person/kind/subtype/effective_on.
EVENT_FIELDS = (
    "unit",
    "to_unit",
    "end_on",
    "position",
    "term",
    "year",
    "decision_no",
    "decided_on",
    "decided_by",
    "note",
)

FIELD_LABELS: dict[str, str] = {
    "person": "người",
    "kind": "loại sự kiện",
    "subtype": "phân loại",
    "effective_on": "ngày hiệu lực",
    "end_on": "ngày kết thúc",
    "unit": "đơn vị",
    "to_unit": "đơn vị đến",
    "position": "chức vụ",
    "term": "nhiệm kỳ",
    "year": "năm",
    "decision_no": "số quyết định",
    "decided_on": "ngày quyết định",
    "decided_by": "cơ quan quyết định",
    "note": "ghi chú",
}


@dataclass(frozen=True)
class KindSpec:
    code: str
    label: str
    subjects: frozenset[Subject]
    # subtype code -> label; empty means the kind takes no subtype
    subtypes: dict[str, str] = field(default_factory=dict)
    # subtypes allowed when the subject is a unit (discipline, evaluation); None = same as above
    unit_subtypes: dict[str, str] | None = None
    # fields that must be present, per subject
    required: frozenset[str] = frozenset()
    unit_required: frozenset[str] | None = None
    # a subtype is mandatory when subtypes exist, unless this is True
    subtype_optional: bool = False
    # award codes are an open catalogue: any code is accepted, known ones get a label
    open_subtypes: bool = False

    def subtypes_for(self, subject: Subject) -> dict[str, str]:
        if subject == Subject.UNIT and self.unit_subtypes is not None:
            return self.unit_subtypes
        return self.subtypes

    def required_for(self, subject: Subject) -> frozenset[str]:
        if subject == Subject.UNIT and self.unit_required is not None:
            return self.unit_required
        return self.required

    def subtype_label(self, subtype: str, subject: Subject = Subject.PERSON) -> str:
        return self.subtypes_for(subject).get(subtype, subtype)


P = frozenset({Subject.PERSON})
U = frozenset({Subject.UNIT})
PU = frozenset({Subject.PERSON, Subject.UNIT})

EVALUATION_SUBTYPES = {
    "excellent": "Hoàn thành xuất sắc nhiệm vụ",
    "good": "Hoàn thành tốt nhiệm vụ",
    "complete": "Hoàn thành nhiệm vụ",
    "incomplete": "Không hoàn thành nhiệm vụ",
}

AWARD_SUBTYPES = {
    **{f"badge_{n}": f"Huy hiệu {n} năm tuổi Đảng" for n in (30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90)},
    "medal_org_building": "Kỷ niệm chương “Vì sự nghiệp xây dựng tổ chức Đảng”",
}

CADRE_DECISION_SUBTYPES = {
    "redeployment": "Điều động",
    "assignment": "Phân công",
    "appointment": "Bổ nhiệm",
    "reappointment": "Bổ nhiệm lại",
    "designation": "Chỉ định",
    "approval": "Chuẩn y",
    "nomination": "Giới thiệu ứng cử",
    "rotation": "Luân chuyển",
    "dismissal": "Miễn nhiệm",
    "relief": "Cho thôi giữ chức vụ",
    "retirement": "Nghỉ hưu",
}

TRAINING_SUBTYPES = {
    "professional": "Chuyên môn, nghiệp vụ",
    "defense_security": "Bồi dưỡng kiến thức quốc phòng – an ninh",
    "political_theory_elementary": "Sơ cấp lý luận chính trị",
    "political_theory_intermediate": "Trung cấp lý luận chính trị – hành chính",
    "political_theory_advanced": "Cao cấp lý luận chính trị",
    "state_management": "Quản lý nhà nước",
    "party_awareness": "Bồi dưỡng nhận thức về Đảng",
    "new_member": "Chương trình dành cho đảng viên mới",
}

KINDS: dict[str, KindSpec] = {
    spec.code: spec
    for spec in (
        KindSpec("admission", "Kết nạp đảng viên", P, required=frozenset({"unit"})),
        KindSpec("recognition", "Công nhận đảng viên chính thức", P),
        KindSpec(
            "transfer",
            "Chuyển sinh hoạt đảng",
            P,
            subtypes={"official": "Chính thức", "temporary": "Tạm thời"},
        ),
        KindSpec("exemption", "Miễn công tác và sinh hoạt đảng", P),
        KindSpec("removal", "Xóa tên", P),
        KindSpec("withdrawal", "Cho ra khỏi Đảng", P),
        KindSpec("death", "Từ trần", P),
        KindSpec("readmission", "Kết nạp lại", P, required=frozenset({"unit"})),
        KindSpec(
            "discipline",
            "Kỷ luật",
            PU,
            subtypes={
                "reprimand": "Khiển trách",
                "warning": "Cảnh cáo",
                "removal_from_post": "Cách chức",
                "expulsion": "Khai trừ",
            },
            unit_subtypes={"reprimand": "Khiển trách", "warning": "Cảnh cáo", "dissolution": "Giải tán"},
        ),
        KindSpec("award", "Khen thưởng", PU, subtypes=AWARD_SUBTYPES, open_subtypes=True),
        KindSpec(
            "evaluation",
            "Đánh giá, xếp loại chất lượng",
            PU,
            subtypes=EVALUATION_SUBTYPES,
            required=frozenset({"year"}),
        ),
        KindSpec("decision", "Quyết định về cán bộ", P, subtypes=CADRE_DECISION_SUBTYPES),
        KindSpec(
            "planning",
            "Quy hoạch cán bộ",
            P,
            subtypes={"add": "Đưa vào quy hoạch", "remove": "Đưa ra khỏi quy hoạch"},
            required=frozenset({"position", "term"}),
        ),
        KindSpec("training", "Đào tạo, bồi dưỡng", P, subtypes=TRAINING_SUBTYPES),
        KindSpec(
            "exam",
            "Thi tuyển chức danh lãnh đạo, quản lý",
            P,
            subtypes={"passed": "Đạt", "failed": "Không đạt"},
            required=frozenset({"position"}),
        ),
        KindSpec("founding", "Thành lập", U),
        KindSpec("rename", "Đổi tên", U, required=frozenset({"note"})),
        KindSpec("reparent", "Chuyển trực thuộc", U, required=frozenset({"to_unit"})),
        KindSpec("merger", "Hợp nhất, sáp nhập", U, required=frozenset({"to_unit"})),
        KindSpec("dissolution", "Giải thể", U),
        KindSpec("congress", "Đại hội", U, required=frozenset({"term"})),
    )
}

# Events that change which unit a person belongs to or their status.
MEMBERSHIP_KINDS = frozenset(
    {"admission", "readmission", "recognition", "transfer", "exemption", "removal", "withdrawal", "death", "discipline"}
)
UNIT_TREE_KINDS = frozenset({"founding", "rename", "reparent", "merger", "dissolution"})
# Events that end membership (discipline only with subtype expulsion).
LEAVING_KINDS = frozenset({"removal", "withdrawal", "death"})


def kind_label(code: str) -> str:
    spec = KINDS.get(code)
    return spec.label if spec else code


def subtype_label(kind: str, subtype: str, subject: Subject = Subject.PERSON) -> str:
    spec = KINDS.get(kind)
    if spec is None or not subtype:
        return subtype
    return spec.subtype_label(subtype, subject)


def find_kind(value: str) -> KindSpec | None:
    """Look a kind up by code or by its Vietnamese label (case-insensitive)."""
    if value in KINDS:
        return KINDS[value]
    wanted = value.strip().casefold()
    for spec in KINDS.values():
        if spec.label.casefold() == wanted or spec.code == wanted:
            return spec
    return None


def find_subtype(spec: KindSpec, value: str, subject: Subject = Subject.PERSON) -> str | None:
    """Subtype code from a code or label; None when unknown (open catalogues accept any code)."""
    options = spec.subtypes_for(subject)
    if value in options:
        return value
    wanted = value.strip().casefold()
    for code, label in options.items():
        if label.casefold() == wanted:
            return code
    if spec.open_subtypes and value and value.replace("_", "").isalnum() and value.isascii():
        return value
    return None
