"""Forms for recording membership events: one form class, shaped per kind so each screen shows
only the fields that kind needs (DOMAIN.md). The regulation checks are not here: the form only
parses; `preview_findings` and `event_record` judge.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms

from tochuc.accounts import scoping
from tochuc.core.findings import Finding, Level
from tochuc.events.kinds import AWARD_SUBTYPES, EVALUATION_SUBTYPES, KINDS
from tochuc.events.services import check_shape, judge
from tochuc.people.models import Person, Sex
from tochuc.rules.admission import LEAVING_CAUSES
from tochuc.rules.engine import Draft
from tochuc.units.models import Unit

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DECISION = ("decision_no", "decided_on", "decided_by")
# Keys kept in Event.details; the rest are Event columns.
DETAIL_FIELDS = ("voted_on", "education_exception", "cause", "expunged_on", "outside_org", "pending", "reason",
                 "arrival_status", "admitted_on", "return_of")
# Dates stored in details as ISO text.
DETAIL_DATES = ("voted_on", "expunged_on", "admitted_on")


@dataclass(frozen=True)
class FormSpec:
    key: str
    kind: str
    label: str
    fields: tuple[str, ...]
    subtype: str = ""  # fixed subtype, when the screen stands for one


FORMS: dict[str, FormSpec] = {
    s.key: s
    for s in (
        FormSpec("admission", "admission", "Kết nạp đảng viên", ("effective_on", "unit", "voted_on", "education_exception", *DECISION, "note")),
        FormSpec("recognition", "recognition", "Công nhận đảng viên chính thức", ("effective_on", "voted_on", *DECISION, "note")),
        FormSpec("transfer_official", "transfer", "Chuyển sinh hoạt đảng chính thức", ("effective_on", "unit", "to_unit", "outside_org", "pending", *DECISION, "note"), "official"),
        FormSpec("arrival", "transfer", "Tiếp nhận sinh hoạt đảng từ ngoài hệ thống", ("effective_on", "to_unit", "outside_org", "arrival_status", "admitted_on", *DECISION, "note"), "official"),
        FormSpec("transfer_temporary", "transfer", "Chuyển sinh hoạt đảng tạm thời", ("effective_on", "unit", "to_unit", "end_on", "reason", *DECISION, "note"), "temporary"),
        FormSpec("transfer_return", "transfer", "Trở về sinh hoạt tại chi bộ chính thức", ("effective_on", "unit", "to_unit", "return_of", "note"), "temporary"),
        FormSpec("exemption", "exemption", "Miễn công tác và sinh hoạt đảng", ("effective_on", "end_on", *DECISION, "note")),
        FormSpec("removal", "removal", "Xóa tên", ("effective_on", "cause", "voted_on", *DECISION, "note")),
        FormSpec("withdrawal", "withdrawal", "Cho ra khỏi Đảng", ("effective_on", "cause", *DECISION, "note")),
        FormSpec("death", "death", "Từ trần", ("effective_on", "note")),
        FormSpec("readmission", "readmission", "Kết nạp lại", ("effective_on", "unit", "voted_on", "education_exception", "expunged_on", *DECISION, "note")),
        FormSpec("discipline", "discipline", "Kỷ luật", ("subtype", "effective_on", "position", "cause", *DECISION, "note")),
        FormSpec("award", "award", "Khen thưởng", ("subtype", "award_code", "effective_on", *DECISION, "note")),
        FormSpec("evaluation", "evaluation", "Đánh giá, xếp loại chất lượng", ("subtype", "year", "effective_on", "note")),
    )
}
MEMBER_FORMS = ("recognition", "transfer_official", "transfer_temporary", "exemption", "discipline", "award", "evaluation",
                "removal", "withdrawal", "death")
FORMER_MEMBER_FORMS = ("readmission", "arrival", "award")

REMOVAL_CAUSES = ("dues_unpaid", "card_returned", "no_progress", "two_years_incomplete", "political_standard", "probation_failed", "self_quit", "other")
WITHDRAWAL_CAUSES = ("asked_to_leave", "family_hardship")
DISCIPLINE_CAUSES = ("corruption", "serious_crime", "disunity", "conviction_minor", "population_policy", "other")


def _date(label: str, required: bool = False, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label, required=required, input_formats=DATE_FORMATS, help_text=help_text,
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "size": 12}),
    )


class EventForm(forms.Form):
    subtype = forms.ChoiceField(label="Phân loại", required=False)
    award_code = forms.CharField(label="Mã danh hiệu khác (nếu không có trong danh sách)", required=False, max_length=64)
    effective_on = _date("Ngày hiệu lực", required=True)
    end_on = _date("Ngày kết thúc")
    unit = forms.CharField(label="Đơn vị (mã)", required=False, max_length=64)
    to_unit = forms.CharField(label="Đơn vị đến (mã; để trống nếu ra ngoài hệ thống)", required=False, max_length=64)
    year = forms.IntegerField(label="Năm đánh giá", required=False, min_value=1930, max_value=2100)
    position = forms.CharField(label="Chức vụ", required=False, max_length=255)
    voted_on = _date("Ngày chi bộ xét", help_text="Tuổi vào Đảng tính tại ngày chi bộ xét kết nạp")
    education_exception = forms.CharField(label="Trường hợp đặc biệt về học vấn (lý do)", required=False, max_length=255)
    cause = forms.ChoiceField(label="Lý do", required=False)
    expunged_on = _date("Ngày được xóa án tích")
    outside_org = forms.CharField(label="Tổ chức đảng ngoài hệ thống", required=False, max_length=255)
    pending = forms.BooleanField(label="Chờ nơi đến xác nhận đã nhận", required=False)
    reason = forms.ChoiceField(label="Lý do chuyển tạm thời", required=False, choices=[("", "Thay đổi nơi cư trú, công tác"), ("study", "Đi học tập trung")])
    arrival_status = forms.ChoiceField(label="Tư cách khi đến", required=False, choices=[("full", "Chính thức"), ("probationary", "Dự bị")])
    admitted_on = _date("Ngày vào Đảng (theo hồ sơ)")
    return_of = forms.IntegerField(required=False, widget=forms.HiddenInput)
    decision_no = forms.CharField(label="Số quyết định", required=False, max_length=64)
    decided_on = _date("Ngày quyết định")
    decided_by = forms.CharField(label="Cơ quan quyết định", required=False, max_length=255)
    note = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, spec: FormSpec, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.spec = spec
        for name in list(self.fields):
            if name not in spec.fields:
                del self.fields[name]
        kind = KINDS[spec.kind]
        if "subtype" in self.fields:
            options = AWARD_SUBTYPES if spec.kind == "award" else (EVALUATION_SUBTYPES if spec.kind == "evaluation" else kind.subtypes)
            blank = [("", "— chọn —")] if spec.kind == "award" else []
            self.fields["subtype"].choices = blank + list(options.items())
            self.fields["subtype"].required = spec.kind != "award"
        if "cause" in self.fields:
            codes = {"removal": REMOVAL_CAUSES, "withdrawal": WITHDRAWAL_CAUSES, "discipline": DISCIPLINE_CAUSES}[spec.kind]
            self.fields["cause"].choices = [("", "— không ghi —")] + [(c, LEAVING_CAUSES[c]) for c in codes]
        if spec.kind in ("admission", "readmission"):
            self.fields["unit"].required = True
            self.fields["unit"].label = "Chi bộ kết nạp (mã)"
        if spec.key == "transfer_temporary":
            self.fields["to_unit"].label = "Nơi sinh hoạt tạm thời (mã)"
        if spec.key == "arrival":
            self.fields["to_unit"].label = "Chi bộ tiếp nhận (mã)"
            self.fields["to_unit"].required = True
        if spec.key == "transfer_official":
            self.fields["unit"].label = "Chuyển từ chi bộ (mã)"
        if spec.key == "removal":
            self.fields["voted_on"].label = "Ngày chi bộ đề nghị"
        if spec.kind == "evaluation":
            self.fields["year"].required = True

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.spec.kind == "award" and not (data.get("subtype") or (data.get("award_code") or "").strip()):
            self.add_error("subtype", "Chọn danh hiệu hoặc ghi mã danh hiệu")
        return data

    def service_kwargs(self, scope: scoping.Scope) -> dict[str, Any] | None:
        """The keyword arguments of `event_record` (without by/person/confirm), or None after
        adding errors for units that cannot be found."""
        data = self.cleaned_data
        kwargs: dict[str, Any] = {"kind": self.spec.kind, "effective_on": data["effective_on"]}
        subtype = self.spec.subtype or data.get("subtype") or ""
        if (data.get("award_code") or "").strip():
            subtype = data["award_code"].strip()
        kwargs["subtype"] = subtype
        for name in ("end_on", "year", "decided_on"):
            if name in self.fields and data.get(name) is not None:
                kwargs[name] = data[name]
        for name in ("position", "decision_no", "decided_by", "note"):
            if name in self.fields and data.get(name):
                kwargs[name] = data[name].strip()
        ok = True
        if data.get("unit"):
            # the unit where it happens must be in the user's scope
            found = scoping.units(scope).filter(code=data["unit"].strip()).first()
            if found is None:
                self.add_error("unit", f"Không tìm thấy đơn vị {data['unit'].strip()!r} trong phạm vi của bạn")
                ok = False
            kwargs["unit"] = found
        if data.get("to_unit"):
            # the receiving unit may lie outside the user's scope (a transfer to another district)
            found = Unit.objects.filter(code=data["to_unit"].strip()).first()
            if found is None:
                self.add_error("to_unit", f"Không có đơn vị mã {data['to_unit'].strip()!r}")
                ok = False
            kwargs["to_unit"] = found
        details: dict[str, Any] = {}
        for name in DETAIL_FIELDS:
            if name not in self.fields:
                continue
            value = data.get(name)
            if value in (None, "", False):
                continue
            if self.spec.key != "arrival" and name == "arrival_status":
                continue
            key = "status" if name == "arrival_status" else name
            details[key] = value.isoformat() if isinstance(value, dt.date) else value
        if details:
            kwargs["details"] = details
        return kwargs if ok else None


def preview_findings(*, person: Person, **kwargs: Any) -> list[Finding]:
    """Every finding the rules give for this event, infos included, without writing."""
    shape_subtype, shape = check_shape(
        kind=kwargs["kind"], subtype=kwargs.get("subtype", ""), effective_on=kwargs["effective_on"], person=person,
        unit=kwargs.get("unit"), to_unit=kwargs.get("to_unit"), end_on=kwargs.get("end_on"),
        position=kwargs.get("position", ""), term=kwargs.get("term", ""), year=kwargs.get("year"), note=kwargs.get("note", ""),
    )
    if shape:
        return shape
    unit, to_unit = kwargs.get("unit"), kwargs.get("to_unit")
    draft = Draft(
        kind=kwargs["kind"], subtype=shape_subtype, effective_on=kwargs["effective_on"], person=person,
        unit_id=unit.pk if unit else None, to_unit_id=to_unit.pk if to_unit else None, end_on=kwargs.get("end_on"),
        position=kwargs.get("position", ""), year=kwargs.get("year"), decision_no=kwargs.get("decision_no", ""),
        decided_on=kwargs.get("decided_on"), decided_by=kwargs.get("decided_by", ""), note=kwargs.get("note", ""),
        details=dict(kwargs.get("details") or {}),
    )
    return judge(draft)


def blocking(findings: list[Finding], confirmed: set[str]) -> bool:
    return any(f.level == Level.ERROR or (f.level == Level.WARNING and f.code not in confirmed) for f in findings)


def place_errors(form: forms.Form, findings: list[Finding]) -> None:
    """Each error next to its field; errors about fields the form does not show go on top."""
    aliases = {"details": None, "person": None, "kind": None, "education": None}
    for f in findings:
        if f.level != Level.ERROR:
            continue
        name = aliases.get(f.field, f.field)
        form.add_error(name if name in form.fields else None, str(f))


class NewPersonForm(forms.Form):
    """The person admitted from a branch page (profile fields of `person_create`)."""

    code = forms.CharField(label="Mã hồ sơ", max_length=64)
    full_name = forms.CharField(label="Họ và tên", max_length=200)
    birth_date = _date("Ngày sinh", required=True)
    sex = forms.ChoiceField(label="Giới tính", choices=Sex.choices)
    ethnicity = forms.CharField(label="Dân tộc", required=False, max_length=64)
    religion = forms.CharField(label="Tôn giáo", required=False, max_length=64)
    national_id = forms.CharField(label="Số CCCD", required=False, max_length=12)
    hometown = forms.CharField(label="Quê quán", required=False, max_length=255)
    education = forms.CharField(label="Trình độ học vấn (ví dụ 12/12)", required=False, max_length=64)
    profession = forms.CharField(label="Chuyên môn, nghề nghiệp", required=False, max_length=255)


class VoidForm(forms.Form):
    reason = forms.CharField(label="Lý do hủy", widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class ReceiptForm(forms.Form):
    received_on = _date("Ngày nơi đến nhận", required=True)
    note = forms.CharField(label="Ghi chú", required=False, max_length=255)


RATING_CHOICES = [("", "— chưa xếp loại —"), *EVALUATION_SUBTYPES.items()]
