"""Users and grants."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from tochuc.accounts.models import Grant, Role, User
from tochuc.core.findings import Finding, Level, RecordRefused
from tochuc.core.models import audit
from tochuc.units.models import Unit

MSG_USERNAME_TAKEN = "Tên đăng nhập {value!r} đã tồn tại"
MSG_USERNAME_EMPTY = "Thiếu tên đăng nhập"
MSG_ROLE = "Vai trò không hợp lệ: {value!r} (viewer, clerk, specialist, admin)"


@transaction.atomic
def user_create(*, by, username: str, password: str, unit: Unit, role: str) -> User:
    username = (username or "").strip()
    findings: list[Finding] = []
    if not username:
        findings.append(Finding("user.username", Level.ERROR, MSG_USERNAME_EMPTY, "username"))
    elif User.objects.filter(username=username).exists():
        findings.append(Finding("user.username_taken", Level.ERROR, MSG_USERNAME_TAKEN.format(value=username), "username"))
    if role not in Role.values:
        findings.append(Finding("user.role", Level.ERROR, MSG_ROLE.format(value=role), "role"))
    candidate = User(username=username)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        findings.extend(Finding("user.password", Level.ERROR, str(m), "password") for m in exc.messages)
    if findings:
        raise RecordRefused(findings)
    user = User.objects.create_user(username=username, password=password)
    Grant.objects.create(user=user, unit=unit, role=role)
    audit(by=by, action="user.create", obj=user, changes={"unit": unit.code, "role": role})
    return user
