"""Login, password change and the second factor (SECURITY.md A3, A4, A8)."""

from __future__ import annotations

from base64 import b32encode

from django import forms
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from tochuc.accounts.access import log_auth
from tochuc.accounts.auth import LoginForm
from tochuc.accounts.services import user_otp_confirm, user_set_password
from tochuc.core.findings import RecordRefused

MSG_OLD_PASSWORD = "Mật khẩu hiện tại không đúng"
MSG_MISMATCH = "Hai lần nhập mật khẩu mới không khớp"
MSG_OTP_WRONG = "Mã xác thực không đúng hoặc đã dùng; nếu sai nhiều lần, hãy chờ rồi thử lại."

login_view = LoginView.as_view(template_name="accounts/login.html", authentication_form=LoginForm)


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label="Mật khẩu hiện tại", widget=forms.PasswordInput, strip=False)
    new_password = forms.CharField(label="Mật khẩu mới", widget=forms.PasswordInput, strip=False, max_length=256)
    new_password2 = forms.CharField(label="Nhập lại mật khẩu mới", widget=forms.PasswordInput, strip=False, max_length=256)

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if not self.user.check_password(data.get("old_password") or ""):
            self.add_error("old_password", MSG_OLD_PASSWORD)
        if data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", MSG_MISMATCH)
        return data


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """Re-authenticates with the current password (ASVS 7.5.1); other sessions end, this one stays."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user_set_password(by=request.user, user=request.user, password=form.cleaned_data["new_password"], request=request)
        except RecordRefused as refused:
            for finding in refused.findings:
                form.add_error("new_password", finding.message)
        else:
            update_session_auth_hash(request, request.user)
            return redirect("core:home")
    return render(request, "accounts/password_change.html", {"form": form})


class TokenForm(forms.Form):
    token = forms.CharField(label="Mã xác thực (6 chữ số)", max_length=8, strip=True)


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


@login_required
@require_http_methods(["GET", "POST"])
def otp(request: HttpRequest) -> HttpResponse:
    """Verify the second factor; a user without a confirmed device first sets one up."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    setup = device is None
    if setup:
        # The secret is made once and kept unconfirmed until a first code proves the app has it.
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
            user=user, name="Ứng dụng xác thực", confirmed=False
        )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            ok = device.verify_token(form.cleaned_data["token"])
            if ok:
                # A new session id once the second factor is shown (ASVS 7.2.4), before the
                # other sessions of a user who just added a device are ended.
                request.session.cycle_key()
                if setup:
                    user_otp_confirm(user=user, device=device, request=request)
        if ok:
            otp_login(request, device)
            if not setup:
                log_auth(action="auth.otp", request=request, user=user)
            return redirect(_next(request))
        log_auth(action="auth.otp", request=request, user=user, result="failed")
        form.add_error("token", MSG_OTP_WRONG)
    context = {"form": form, "setup": setup, "next": _next(request)}
    if setup:
        context["secret"] = b32encode(device.bin_key).decode()
        context["config_url"] = device.config_url
    return render(request, "accounts/otp.html", context)
