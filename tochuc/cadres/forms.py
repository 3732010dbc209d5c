"""Forms of the cadre screens: they check the shape; the services and rules judge the values."""

from __future__ import annotations

from django import forms

from tochuc.cadres.models import (
    DefenseGroup,
    ManagingLevel,
    PoliticalTheory,
    Professional,
    StateManagement,
)
from tochuc.events.kinds import CADRE_DECISION_SUBTYPES
from tochuc.people.forms import day_field

REQUIRED = {"required": "Trường này bắt buộc"}


class PostChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} — {obj.unit.code}"


def post_field(queryset, label: str = "Chức danh") -> PostChoiceField:
    return PostChoiceField(queryset=queryset, label=label, error_messages={**REQUIRED, "invalid_choice": "Chức danh không hợp lệ"})


class PostForm(forms.Form):
    unit = forms.CharField(label="Mã đơn vị", max_length=64, error_messages=REQUIRED)
    name = forms.CharField(label="Tên chức danh", max_length=255, error_messages=REQUIRED)
    managing_level = forms.ChoiceField(label="Cấp quản lý", choices=ManagingLevel.choices)
    is_party_committee = forms.BooleanField(label="Chức danh cấp ủy (bầu cử, chỉ định, chuẩn y)", required=False)


class StandardForm(forms.Form):
    valid_from = day_field("Áp dụng từ ngày")
    political_theory = forms.TypedChoiceField(label="Lý luận chính trị", choices=PoliticalTheory.choices, coerce=int)
    state_management = forms.TypedChoiceField(label="Quản lý nhà nước", choices=StateManagement.choices, coerce=int)
    professional = forms.TypedChoiceField(label="Chuyên môn", choices=Professional.choices, coerce=int)
    defense_group = forms.TypedChoiceField(label="Bồi dưỡng quốc phòng – an ninh", choices=DefenseGroup.choices, coerce=int)
    source = forms.CharField(label="Căn cứ (văn bản quy định)", max_length=255, required=False)


class DecisionForm(forms.Form):
    subtype = forms.ChoiceField(label="Loại quyết định", choices=list(CADRE_DECISION_SUBTYPES.items()))
    post = forms.ModelChoiceField(queryset=None, label="Chức danh", required=False)
    effective_on = day_field("Ngày hiệu lực")
    end_on = day_field("Đến ngày (luân chuyển)", required=False)
    decision_no = forms.CharField(label="Số quyết định", max_length=64, required=False)
    decided_on = day_field("Ngày quyết định", required=False)
    decided_by = forms.CharField(label="Cơ quan quyết định", max_length=255, required=False)
    note = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, posts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"] = post_field(posts)
        self.fields["post"].required = False
        self.order_fields(["subtype", "post"])


class PeriodForm(forms.Form):
    code = forms.CharField(label="Nhiệm kỳ quy hoạch (ví dụ 2025-2030)", max_length=16, error_messages=REQUIRED)


class PeriodSettingsForm(forms.Form):
    max_candidates_per_post = forms.IntegerField(label="Số người tối đa cho một chức danh", min_value=1, max_value=20)
    max_posts_per_person = forms.IntegerField(label="Số chức danh tối đa cho một người", min_value=1, max_value=20)
    women_min_pct = forms.DecimalField(label="Tỷ lệ nữ tối thiểu (%)", required=False, min_value=0, max_value=100, localize=True)
    young_min_pct = forms.DecimalField(label="Tỷ lệ cán bộ trẻ tối thiểu (%)", required=False, min_value=0, max_value=100, localize=True)
    young_max_age = forms.IntegerField(label="Cán bộ trẻ: dưới … tuổi", min_value=20, max_value=70)
    minority_min_pct = forms.DecimalField(label="Tỷ lệ dân tộc thiểu số tối thiểu (%)", required=False, min_value=0, max_value=100, localize=True)
    source = forms.CharField(label="Căn cứ", max_length=255, required=False)


class PlanningAddForm(forms.Form):
    person = forms.CharField(label="Mã hồ sơ người", max_length=64, error_messages=REQUIRED)
    post = forms.ModelChoiceField(queryset=None, label="Chức danh")
    effective_on = day_field("Ngày quyết định đưa vào quy hoạch")
    decision_no = forms.CharField(label="Số quyết định", max_length=64, required=False)

    def __init__(self, *args, posts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"] = post_field(posts)
        self.order_fields(["person", "post"])


class PlanningRemoveForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    post = forms.IntegerField(widget=forms.HiddenInput)
    effective_on = day_field("Ngày đưa ra")
    reason = forms.CharField(label="Lý do", max_length=255, error_messages=REQUIRED)


class SelectionForm(forms.Form):
    post = forms.ModelChoiceField(queryset=None, label="Chức danh")
    title = forms.CharField(label="Tên kỳ thi tuyển", max_length=255, required=False)
    opened_on = day_field("Ngày bắt đầu")
    rounds = forms.CharField(
        label="Các vòng thi (mỗi dòng: tên vòng; hệ số)", widget=forms.Textarea(attrs={"rows": 3}),
        initial="Xây dựng đề án; 1\nTrình bày đề án, phỏng vấn; 2",
    )

    def __init__(self, *args, posts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"] = post_field(posts)
        self.order_fields(["post"])

    def clean_rounds(self):
        from decimal import Decimal, InvalidOperation

        out = []
        for line in self.cleaned_data["rounds"].splitlines():
            if not line.strip():
                continue
            name, _, weight = line.partition(";")
            try:
                out.append((name.strip(), Decimal(weight.strip() or "1")))
            except InvalidOperation:
                raise forms.ValidationError(f"Hệ số không hợp lệ ở dòng: {line!r}") from None
        if not out:
            raise forms.ValidationError("Cần ít nhất một vòng thi")
        return out


class CandidateForm(forms.Form):
    person = forms.IntegerField(label="Mã số người", error_messages=REQUIRED)


class ScoreForm(forms.Form):
    candidate = forms.IntegerField(widget=forms.HiddenInput)
    round = forms.IntegerField(widget=forms.HiddenInput)
    score = forms.DecimalField(label="Điểm", max_digits=6, decimal_places=2, min_value=0, max_value=100, localize=True)


class SelectionDecideForm(forms.Form):
    decided_on = day_field("Ngày công bố kết quả")
    decision_no = forms.CharField(label="Số quyết định", max_length=64, required=False)


class SelectionAppointForm(forms.Form):
    effective_on = day_field("Ngày bổ nhiệm")
    decision_no = forms.CharField(label="Số quyết định bổ nhiệm", max_length=64, required=False)
    decided_by = forms.CharField(label="Cơ quan quyết định", max_length=255, required=False)


class QuotaForm(forms.Form):
    unit = forms.CharField(label="Mã đơn vị", max_length=64, error_messages=REQUIRED)
    year = forms.IntegerField(label="Năm", min_value=1990, max_value=2100)
    # localize: "1.200" is how a Vietnamese user writes 1200
    quota = forms.IntegerField(label="Biên chế được giao", min_value=0, localize=True)
    actual = forms.IntegerField(label="Biên chế có mặt", min_value=0, localize=True)


class TargetForm(forms.Form):
    unit = forms.CharField(label="Mã đơn vị", max_length=64, error_messages=REQUIRED)
    base_year = forms.IntegerField(label="Năm gốc", min_value=1990, max_value=2100, initial=2015)
    target_year = forms.IntegerField(label="Năm đích", min_value=1990, max_value=2100, initial=2021)
    reduction_pct = forms.DecimalField(label="Tỷ lệ tinh giản (%)", max_digits=5, decimal_places=2, initial=10, localize=True)
    source = forms.CharField(label="Căn cứ", max_length=255, required=False, initial="Nghị quyết 39-NQ/TW (17/4/2015)")
