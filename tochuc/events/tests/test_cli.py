"""The foundation's CLI: `tochuc user add`, `tochuc rebuild [--check]`, `tochuc migrate`."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tochuc.accounts.models import Grant, User
from tochuc.conftest import PASSWORD
from tochuc.events.models import Membership


def test_user_add_reads_the_password_from_standard_input(tree, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    out = io.StringIO()
    call_command("user", "add", "lan", "--unit", "CT.NK", "--role", "clerk", stdout=out)
    assert out.getvalue() == "Đã tạo người dùng lan (Văn thư cơ sở) trong phạm vi CT.NK\n"
    user = User.objects.get(username="lan")
    assert user.check_password(PASSWORD)
    assert user.password.startswith("argon2")
    assert list(Grant.objects.filter(user=user).values_list("unit__code", "role")) == [("CT.NK", "clerk")]


def test_user_add_refuses_a_short_password_and_an_unknown_unit(tree, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("ngan\n"))
    with pytest.raises(CommandError) as exc:
        call_command("user", "add", "lan", "--unit", "CT.NK", "--role", "clerk")
    assert "12" in str(exc.value)
    with pytest.raises(CommandError, match="Không có đơn vị mã 'XX'"):
        call_command("user", "add", "lan", "--unit", "XX", "--role", "clerk")
    assert not User.objects.filter(username="lan").exists()


def test_rebuild_check_is_clean_then_finds_and_repairs_a_tampered_projection(member):
    out = io.StringIO()
    call_command("rebuild", "--check", stdout=out)
    assert out.getvalue().startswith("Không có khác biệt (1 người")
    Membership.objects.filter(person=member, status="probationary").delete()
    with pytest.raises(CommandError, match="1 khác biệt"):
        call_command("rebuild", "--check", stdout=io.StringIO())
    out = io.StringIO()
    call_command("rebuild", stdout=out)
    assert f"Người {member.code}: dữ liệu dẫn xuất khác" in out.getvalue()
    assert Membership.objects.filter(person=member).count() == 2
    call_command("rebuild", "--check", stdout=io.StringIO())


def test_the_tochuc_command_prints_vietnamese_usage():
    result = subprocess.run([sys.executable, "-m", "tochuc", "--help"], capture_output=True, text=True, check=True)
    assert result.stdout.startswith("Cách dùng: tochuc LỆNH")
