"""Accounts and sessions: SECURITY.md A1, A2, A4, A5, A6, A8, E4."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.hashers import Argon2PasswordHasher, get_hasher, identify_hasher
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tochuc.accounts.auth import MSG_LOGIN_FAILED
from tochuc.accounts.models import AuthEvent, PasswordHistory, User
from tochuc.accounts.services import (
    user_lock,
    user_reset_password,
    user_set_password,
    user_unlock,
)
from tochuc.accounts.validators import ContextWordsValidator
from tochuc.conftest import PASSWORD
from tochuc.core.findings import RecordRefused

LOGIN = "/tai-khoan/dang-nhap/"
HOME = "/"


def login(client: Client, username: str, password: str = PASSWORD, ip: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


# A1 ---------------------------------------------------------------------------------------------


def test_passwords_are_stored_with_argon2(personas):
    # Outside pytest the first hasher is Django's own Argon2 (tochuc/tests/test_settings.py).
    assert issubclass(type(get_hasher("default")), Argon2PasswordHasher)
    assert identify_hasher(personas.viewer.password).algorithm == "argon2"
    assert "argon2id" in personas.viewer.password


# A2 ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    ["ngắn-quá-11", "dangbo2026!!", "Đảng bộ Cần Thơ 2026", "chibo-khu-vuc-1", "quantri-123456", "password1234"],
)
def test_it_refuses_short_common_and_context_passwords(password):
    with pytest.raises(ValidationError):
        validate_password(password, user=User(username="quantri"))


def test_it_refuses_a_password_made_of_the_users_own_unit_name(personas):
    with pytest.raises(ValidationError) as exc:
        ContextWordsValidator().validate("Đảng bộ phường Tân An 1", user=personas.branch_clerk)
    assert exc.value.messages == [
        "Mật khẩu chủ yếu là từ dễ đoán (tên tổ chức, đơn vị, tên đăng nhập): hãy dùng một cụm từ riêng"
    ]


def test_it_accepts_a_long_passphrase_without_class_rules():
    validate_password("con mèo trèo cây cau hỏi thăm chú chuột", user=User(username="a"))


@hsettings(max_examples=15, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=0x2FFF), min_size=64, max_size=128))
def test_long_passwords_are_accepted_and_compared_exactly(password):
    user = User(username="dai")
    user.set_password(password)
    assert user.check_password(password)
    assert not user.check_password(password[:-1])


# A4 ---------------------------------------------------------------------------------------------


def test_five_failures_lock_the_name_and_address_even_for_the_right_password(personas):
    client = Client()
    for _ in range(5):
        assert login(client, "nguoixem", "sai-mat-khau-roi-nhe").status_code == 200
    response = login(client, "nguoixem")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert AuthEvent.objects.filter(username="nguoixem", action="auth.lockout").count() == 1
    assert AuthEvent.objects.filter(username="nguoixem", action="auth.login", result="failed").count() == 5
    # Another address is not locked out by someone else's guesses.
    assert login(Client(), "nguoixem", ip="10.0.0.2").status_code == 302


def test_an_administrator_unlocks_a_locked_out_account(personas):
    client = Client()
    for _ in range(5):
        login(client, "nguoixem", "sai-mat-khau-roi-nhe")
    call_command("user", "unlock", "nguoixem", stdout=open("/dev/null", "w"))
    assert login(client, "nguoixem").status_code == 302


def test_the_lockout_ends_after_its_window(personas):
    client = Client()
    for _ in range(5):
        login(client, "nguoixem", "sai-mat-khau-roi-nhe")
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31)):
        assert login(client, "nguoixem").status_code == 302


def test_an_unknown_name_and_a_wrong_password_get_the_same_answer(personas):
    unknown = login(Client(), "khong-ton-tai", "sai-mat-khau-roi-nhe")
    wrong = login(Client(), "nguoixem", "sai-mat-khau-roi-nhe")
    assert unknown.status_code == wrong.status_code == 200
    assert MSG_LOGIN_FAILED in unknown.content.decode()
    assert unknown.content.replace(b"khong-ton-tai", b"") .count(b"error") == wrong.content.count(b"error")
    body = lambda r: r.content.decode().split('name="csrfmiddlewaretoken"')[0]  # noqa: E731
    assert body(unknown) == body(wrong)


def test_a_locked_account_gets_the_same_answer_as_a_wrong_password(personas):
    user_lock(by=None, user=personas.viewer)
    response = login(Client(), "nguoixem")
    assert response.status_code == 200
    assert MSG_LOGIN_FAILED in response.content.decode()


# A5 ---------------------------------------------------------------------------------------------


def test_the_session_id_changes_at_login_and_dies_at_logout(personas):
    client = Client()
    client.get(LOGIN)
    client.cookies["sessionid"] = "x" * 32
    login(client, "nguoixem")
    session_id = client.cookies["sessionid"].value
    assert session_id != "x" * 32
    assert client.get(HOME).status_code == 200
    client.post("/tai-khoan/dang-xuat/")
    replay = Client()
    replay.cookies["sessionid"] = session_id
    assert replay.get(HOME).status_code == 302


def test_deactivating_a_user_ends_all_their_sessions(personas):
    first, second = Client(), Client()
    login(first, "nguoixem")
    login(second, "nguoixem", ip="10.0.0.9")
    user_lock(by=personas.city_admin, user=personas.viewer)
    assert first.get(HOME).status_code == 302
    assert second.get(HOME).status_code == 302


def test_deactivating_in_the_database_alone_also_refuses_the_session(personas):
    client = Client()
    login(client, "nguoixem")
    User.objects.filter(pk=personas.viewer.pk).update(is_active=False)
    assert client.get(HOME).status_code == 302


def test_a_password_change_ends_the_other_sessions_but_keeps_this_one(personas):
    other, this = Client(), Client()
    login(other, "nguoixem")
    login(this, "nguoixem", ip="10.0.0.3")
    response = this.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password": "một cụm từ mới rất dài 77", "new_password2": "một cụm từ mới rất dài 77"},
    )
    assert response.status_code == 302
    assert this.get(HOME).status_code == 200
    assert other.get(HOME).status_code == 302
    assert AuthEvent.objects.filter(user=personas.viewer, action="auth.password_change").count() == 1


def test_accounts_idle_for_45_days_are_disabled(personas):
    User.objects.filter(pk=personas.viewer.pk).update(last_login=timezone.now() - dt.timedelta(days=46))
    User.objects.filter(pk=personas.outsider.pk).update(last_login=timezone.now() - dt.timedelta(days=44))
    User.objects.exclude(pk__in=[personas.viewer.pk, personas.outsider.pk]).update(last_login=timezone.now())
    call_command("disable_inactive_accounts", stdout=open("/dev/null", "w"))
    assert list(User.objects.filter(is_active=False).values_list("username", flat=True)) == ["nguoixem"]
    assert AuthEvent.objects.filter(action="account.disable").count() == 1


# A6 ---------------------------------------------------------------------------------------------


def _logged_in(username: str) -> Client:
    client = Client()
    assert login(client, username).status_code == 302
    return client


def test_a_session_idle_for_16_minutes_must_log_in_again(personas):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = _logged_in("nguoixem")
        traveller.move_to(start + dt.timedelta(minutes=14))
        assert client.get(HOME).status_code == 200
        traveller.move_to(start + dt.timedelta(minutes=14 + 16))
        response = client.get(HOME)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)
        assert client.get(HOME).status_code == 302
    assert AuthEvent.objects.filter(action="auth.timeout", detail__reason="idle").count() == 1


def test_an_administrator_session_idle_for_6_minutes_must_log_in_again(personas):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = _logged_in("quantri")
        traveller.move_to(start + dt.timedelta(minutes=4))
        assert client.get(HOME).status_code == 200
        traveller.move_to(start + dt.timedelta(minutes=10))
        assert client.get(HOME).status_code == 302


def test_a_busy_session_still_ends_after_8_hours(personas):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = _logged_in("nguoixem")
        for minutes in range(10, 8 * 60, 10):
            traveller.move_to(start + dt.timedelta(minutes=minutes))
            assert client.get(HOME).status_code == 200
        traveller.move_to(start + dt.timedelta(hours=8, minutes=1))
        assert client.get(HOME).status_code == 302


# A8 ---------------------------------------------------------------------------------------------


def test_no_default_accounts_exist_after_migrate(db):
    assert not User.objects.filter(username__in=["admin", "root", "administrator", "quantri"]).exists()


def test_an_administrator_with_a_61_day_old_password_is_sent_to_change_it(personas):
    User.objects.filter(pk=personas.city_admin.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=61))
    client = Client()
    client.force_login(personas.city_admin)
    response = client.get(HOME)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_change")
    # Non-administrators are not forced by age.
    User.objects.filter(pk=personas.viewer.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=400))
    client.force_login(personas.viewer)
    assert client.get(HOME).status_code == 200


def test_an_administrator_cannot_reuse_any_of_the_last_ten_passwords(personas):
    admin = personas.city_admin
    passwords = [f"cụm từ quản trị thứ {n} rất dài" for n in range(11)]
    for password in passwords:
        user_set_password(by=admin, user=admin, password=password)
    with pytest.raises(RecordRefused) as exc:
        user_set_password(by=admin, user=admin, password=passwords[1])
    assert [f.message for f in exc.value.findings] == ["Không được dùng lại một trong 10 mật khẩu gần nhất"]
    # The oldest (11 changes ago) has left the history.
    user_set_password(by=admin, user=admin, password=PASSWORD)
    assert PasswordHistory.objects.filter(user=admin).count() == 10


def test_a_reset_password_must_be_changed_at_the_next_login(personas):
    temporary = user_reset_password(by=personas.city_admin, user=personas.viewer)
    client = Client()
    assert login(client, "nguoixem", temporary).status_code == 302
    response = client.get(HOME)
    assert response["Location"] == reverse("accounts:password_change")
    assert client.get(reverse("accounts:password_change")).status_code == 200


def test_the_user_command_locks_and_unlocks(personas, capsys):
    call_command("user", "lock", "nguoixem")
    assert not User.objects.get(username="nguoixem").is_active
    call_command("user", "unlock", "nguoixem")
    assert User.objects.get(username="nguoixem").is_active
    assert capsys.readouterr().out == "Đã khóa tài khoản nguoixem\nĐã mở khóa tài khoản nguoixem\n"
    assert list(AuthEvent.objects.filter(action__startswith="account.l").values_list("action", flat=True)) == [
        "account.lock"
    ]


# E4 ---------------------------------------------------------------------------------------------


def test_authentication_events_are_logged(personas):
    client = Client()
    login(client, "nguoixem", "sai-mat-khau-roi-nhe")
    login(client, "nguoixem")
    client.post("/tai-khoan/dang-xuat/")
    user_unlock(by=personas.city_admin, user=personas.viewer)
    rows = list(
        AuthEvent.objects.filter(username="nguoixem").order_by("id").values_list("action", "result", "ip")
    )
    assert rows[-4:] == [
        ("auth.login", "failed", "10.0.0.1"),
        ("auth.login", "ok", "10.0.0.1"),
        ("auth.logout", "ok", "127.0.0.1"),
        ("account.unlock", "ok", None),
    ]


# G2: which requests are rate-limited --------------------------------------------------------------


def test_exports_searches_imports_and_the_api_are_classified_for_rate_limits(rf):
    from django.urls import ResolverMatch

    from tochuc.accounts.ratelimit import classify

    def kind(path: str, name: str, method: str = "get", **params) -> str:
        request = getattr(rf, method)(path, params)
        request.resolver_match = ResolverMatch(lambda r: None, (), {}, url_name=name)
        return classify(request)

    assert kind("/nhap-xuat/xuat.xlsx", "export") == "export"
    assert kind("/bao-cao/tai/docx/", "annual_download") == "export"
    assert kind("/nhap-xuat/", "index", "post") == ""
    assert kind("/nhap-xuat/nhap/", "import_upload", "post") == "import"
    assert kind("/nguoi/tim/", "search", q="Trần") == "search"
    assert kind("/api/v1/people", "people") == "api"
    assert kind("/don-vi/", "tree") == ""


def test_a_user_added_by_the_command_changes_the_password_at_first_login(tree, monkeypatch):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    call_command("user", "add", "lan", "--unit", "CT.NK", "--role", "clerk", stdout=io.StringIO())
    client = Client()
    assert login(client, "lan").status_code == 302
    assert client.get(HOME)["Location"] == reverse("accounts:password_change")
