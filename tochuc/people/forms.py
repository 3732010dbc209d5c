"""Forms of the people screens: they check the shape only; the services judge the values."""

from __future__ import annotations

from django import forms

from tochuc.people.models import Sex

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class DayInput(forms.DateInput):
    """A text box in the Vietnamese order: a browser's date picker follows the browser's
    language, and clerks type dd/mm/yyyy (ISO is accepted too)."""

    def __init__(self, **kwargs):
        attrs = {"placeholder": "dd/mm/yyyy", "size": 10, "inputmode": "numeric"}
        super().__init__(format="%d/%m/%Y", attrs=attrs, **kwargs)


def day_field(label: str, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=DayInput(),
        error_messages={
            "invalid": "Ngày không hợp lệ (dùng dd/mm/yyyy)",
            "required": "Cần nhập ngày",
        },
    )


REQUIRED = {"required": "Trường này bắt buộc"}


class ProfileForm(forms.Form):
    full_name = forms.CharField(label="Họ và tên", max_length=200, error_messages=REQUIRED)
    birth_date = day_field("Ngày sinh")
    sex = forms.ChoiceField(label="Giới tính", choices=Sex.choices, error_messages=REQUIRED)
    national_id = forms.CharField(label="Số CCCD", max_length=12, required=False)
    ethnicity = forms.CharField(label="Dân tộc", max_length=64, required=False)
    religion = forms.CharField(label="Tôn giáo", max_length=64, required=False)
    hometown = forms.CharField(label="Quê quán", max_length=255, required=False)
    education = forms.CharField(label="Trình độ học vấn", max_length=64, required=False)
    profession = forms.CharField(label="Chuyên môn, nghề nghiệp", max_length=255, required=False)


class PersonCreateForm(ProfileForm):
    code = forms.CharField(label="Mã hồ sơ", max_length=64, error_messages=REQUIRED)
    unit = forms.CharField(label="Mã đơn vị quản lý hồ sơ", max_length=64, error_messages=REQUIRED)

    field_order = ["code", "unit", "full_name", "birth_date", "sex", "national_id"]


class PersonEditForm(ProfileForm):
    # Optimistic concurrency: the version the form was loaded from (SECURITY.md F2).
    version = forms.IntegerField(widget=forms.HiddenInput)


class SearchForm(forms.Form):
    q = forms.CharField(label="Họ tên hoặc số CCCD", max_length=100, required=False)
