"""Second factor (SECURITY.md A3): TOTP for administrators and specialists, or for everyone."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tochuc.accounts.models import AuthEvent
from tochuc.accounts.services import user_otp_reset
from tochuc.core.models import AuditEntry, verify_chain

OTP = "/tai-khoan/xac-thuc/"


def _token(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def _enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def test_outside_production_the_default_asks_no_second_factor(personas):
    client = Client()
    client.force_login(personas.city_admin)
    assert client.get("/").status_code == 200


def test_staff_policy_sends_specialists_and_admins_to_the_second_factor(personas, settings):
    settings.TOCHUC_REQUIRE_2FA = "staff"
    for user, expected in ((personas.district_specialist, 302), (personas.city_admin, 302), (personas.viewer, 200)):
        client = Client()
        client.force_login(user)
        response = client.get("/")
        assert response.status_code == expected, user
        if expected == 302:
            assert response["Location"] == f"{OTP}?next=%2F"


def test_all_policy_asks_everyone(personas, settings):
    settings.TOCHUC_REQUIRE_2FA = "all"
    client = Client()
    client.force_login(personas.viewer)
    assert client.get("/")["Location"] == f"{OTP}?next=%2F"


def test_first_login_enrols_a_device_with_a_code_then_lets_the_user_in(personas, settings):
    settings.TOCHUC_REQUIRE_2FA = "staff"
    client = Client()
    client.force_login(personas.district_specialist)
    page = client.get(OTP)
    device = TOTPDevice.objects.get(user=personas.district_specialist)
    assert not device.confirmed and "otpauth://totp/" in page.content.decode()
    response = client.post(OTP, {"token": _token(device), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200
    assert AuthEvent.objects.filter(user=personas.district_specialist, action="auth.otp_setup").count() == 1


def test_a_code_cannot_be_used_twice(personas, settings):
    settings.TOCHUC_REQUIRE_2FA = "staff"
    device = _enrolled(personas.city_admin)
    with time_machine.travel(timezone.now(), tick=False):
        token = _token(device)
        first, second = Client(), Client()
        for client in (first, second):
            client.force_login(personas.city_admin)
        assert first.post(OTP, {"token": token}).status_code == 302
        assert second.post(OTP, {"token": token}).status_code == 200
        assert second.get("/").status_code == 302
    assert AuthEvent.objects.filter(action="auth.otp", result="failed").count() == 1


def test_a_code_older_than_the_window_is_refused(personas, settings):
    settings.TOCHUC_REQUIRE_2FA = "staff"
    device = _enrolled(personas.city_admin)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        token = _token(device)
        traveller.move_to(start + dt.timedelta(seconds=95))
        client = Client()
        client.force_login(personas.city_admin)
        assert client.post(OTP, {"token": token}).status_code == 200
        assert client.get("/").status_code == 302


def test_guesses_are_throttled(personas, settings):
    settings.TOCHUC_REQUIRE_2FA = "staff"
    device = _enrolled(personas.city_admin)
    with time_machine.travel(timezone.now(), tick=False):
        client = Client()
        client.force_login(personas.city_admin)
        for guess in range(10):
            client.post(OTP, {"token": f"{guess:06d}"})
        # After the first wrong code the device waits before checking again: the next nine guesses
        # and even the right code are refused unchecked.
        assert client.post(OTP, {"token": _token(device)}).status_code == 200
        device.refresh_from_db()
        assert device.throttling_failure_count == 1
    assert AuthEvent.objects.filter(action="auth.otp", result="failed").count() == 11


# A5: a change of second factor ends the other sessions, like a password change ------------------

LOGIN = "/tai-khoan/dang-nhap/"


def _login_redirect(client: Client) -> str:
    response = client.get("/")
    return response["Location"] if response.status_code == 302 else str(response.status_code)


def test_adding_a_device_ends_the_other_sessions_and_renews_this_one(personas):
    other, this = Client(), Client()
    for client in (other, this):
        client.force_login(personas.viewer)
    assert _login_redirect(other) == "200"
    before = this.cookies["sessionid"].value
    this.get(OTP)
    device = TOTPDevice.objects.get(user=personas.viewer)
    assert this.post(OTP, {"token": _token(device), "next": "/"})["Location"] == "/"
    assert this.cookies["sessionid"].value != before
    assert _login_redirect(this) == "200"
    assert _login_redirect(other) == f"{LOGIN}?next=/"
    event = AuthEvent.objects.get(user=personas.viewer, action="auth.otp_setup")
    assert event.detail == {"sessions_ended": 1}
    entry = AuditEntry.objects.get(action="user.otp_add")
    assert (entry.object_id, entry.user_id, entry.changes) == (
        str(personas.viewer.pk), personas.viewer.pk, {"device": device.pk, "sessions_ended": 1},
    )


def test_a_code_from_an_existing_device_ends_no_other_session(personas, settings):
    settings.TOCHUC_REQUIRE_2FA = "staff"
    device = _enrolled(personas.city_admin)
    with time_machine.travel(timezone.now(), tick=False):
        first, second = Client(), Client()
        for client in (first, second):
            client.force_login(personas.city_admin)
        assert first.post(OTP, {"token": _token(device)}).status_code == 302
    assert _login_redirect(first) == "200"
    # still signed in, only waiting for its own code
    assert _login_redirect(second) == f"{OTP}?next=%2F"


def test_resetting_the_second_factor_removes_the_devices_and_ends_every_session(personas, settings):
    settings.TOCHUC_REQUIRE_2FA = "staff"
    old = _enrolled(personas.city_admin)
    clients = []
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(2):
            client = Client()
            client.force_login(personas.city_admin)
            assert client.post(OTP, {"token": _token(old)}).status_code == 302
            assert _login_redirect(client) == "200"
            clients.append(client)
            traveller.shift(dt.timedelta(seconds=30))
    out = StringIO()
    call_command("user", "otp-reset", "quantri", "--reason", "mất điện thoại", stdout=out)
    assert out.getvalue() == "Đã gỡ 1 ứng dụng xác thực của quantri; mọi phiên đăng nhập đã kết thúc\n"
    assert not TOTPDevice.objects.filter(user=personas.city_admin).exists()
    for client in clients:
        assert _login_redirect(client) == f"{LOGIN}?next=/"
    event = AuthEvent.objects.get(action="account.otp_reset")
    assert (event.user_id, event.by_id, event.detail) == (
        personas.city_admin.pk, None, {"devices": 1, "sessions_ended": 2, "reason": "mất điện thoại"},
    )
    entry = AuditEntry.objects.get(action="user.otp_reset")
    assert entry.changes == {"devices": [old.pk], "confirmed": 1, "reason": "mất điện thoại"}
    assert verify_chain()[1] is None
    # The next login enrols a new app with a new secret.
    client = Client()
    client.force_login(personas.city_admin)
    assert _login_redirect(client) == f"{OTP}?next=%2F"
    client.get(OTP)
    new = TOTPDevice.objects.get(user=personas.city_admin)
    assert not new.confirmed and new.key != old.key


def test_the_reset_service_records_who_reset_it(personas):
    _enrolled(personas.viewer)
    assert user_otp_reset(by=personas.city_admin, user=personas.viewer) == 1
    event = AuthEvent.objects.get(action="account.otp_reset")
    assert (event.user_id, event.by_id) == (personas.viewer.pk, personas.city_admin.pk)
    assert AuditEntry.objects.get(action="user.otp_reset").user_id == personas.city_admin.pk
