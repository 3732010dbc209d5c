"""Forms of the restructuring actions on a unit page: shape only, the services judge the values."""

from __future__ import annotations

from django import forms

from tochuc.people.forms import REQUIRED, day_field
from tochuc.units.models import UnitKind


class DayForm(forms.Form):
    ngay = forms.CharField(required=False)


class DecisionForm(forms.Form):
    """The decision behind a change of the tree (DESIGN.md §2.1)."""

    on = day_field("Ngày hiệu lực")
    decision_no = forms.CharField(label="Số quyết định", max_length=64, required=False)
    decided_on = day_field("Ngày quyết định", required=False)
    decided_by = forms.CharField(label="Cơ quan quyết định", max_length=255, required=False)

    def decision(self) -> dict:
        d = self.cleaned_data
        return {
            "decision_no": d["decision_no"],
            "decided_on": d["decided_on"],
            "decided_by": d["decided_by"],
        }


class FoundForm(DecisionForm):
    code = forms.CharField(label="Mã đơn vị mới", max_length=64, error_messages=REQUIRED)
    name = forms.CharField(label="Tên đơn vị", max_length=255, error_messages=REQUIRED)
    kind = forms.ChoiceField(label="Loại", choices=UnitKind.choices, error_messages=REQUIRED)

    field_order = ["code", "name", "kind", "on"]


class RenameForm(DecisionForm):
    name = forms.CharField(label="Tên mới", max_length=255, error_messages=REQUIRED)
    kind = forms.ChoiceField(
        label="Loại (nếu đổi)", choices=[("", "— giữ nguyên —"), *UnitKind.choices], required=False
    )

    field_order = ["name", "kind", "on"]


class ReparentForm(DecisionForm):
    target = forms.CharField(label="Mã đơn vị cấp trên mới", max_length=64, error_messages=REQUIRED)

    field_order = ["target", "on"]


class MergeForm(DecisionForm):
    target = forms.CharField(
        label="Sáp nhập vào (mã đơn vị)", max_length=64, error_messages=REQUIRED
    )

    field_order = ["target", "on"]


class DissolveForm(DecisionForm):
    pass


ACTION_FORMS: dict[str, type[DecisionForm]] = {
    "found": FoundForm,
    "rename": RenameForm,
    "reparent": ReparentForm,
    "merge": MergeForm,
    "dissolve": DissolveForm,
}
