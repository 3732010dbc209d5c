"""Production configuration (SECURITY.md A1, A7, E7, H2, H4), checked in a fresh interpreter with
the production environment, the way a server starts."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import warnings

import django

PROD_ENV = {
    "TOCHUC_PRODUCTION": "1",
    "TOCHUC_SECRET_KEY": "k" * 20 + "-production-secret-for-the-test-only-" + "z" * 10,
    "TOCHUC_ALLOWED_HOSTS": "tochuc.example.vn",
    "TOCHUC_BACKUP_KEY": "b" * 20 + "-backup-key-for-the-test-only-" + "y" * 10,
    "DATABASE_URL": "postgres://tochuc@db.example.vn:5432/tochuc",
}
DJANGO_52_END = dt.date(2028, 4, 30)


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    # Nothing of the test process's environment that a server would not have (browser tests set
    # DJANGO_ALLOW_ASYNC_UNSAFE in this process, which the deployment check rightly refuses).
    dropped = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if not k.startswith("TOCHUC_") and k not in dropped}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**base, "DJANGO_SETTINGS_MODULE": "tochuc.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_with_the_default_secret_key():
    env = {k: v for k, v in PROD_ENV.items() if k != "TOCHUC_SECRET_KEY"}
    result = _run("import django; django.setup()", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: TOCHUC_SECRET_KEY phải được đặt" in result.stderr


def test_production_refuses_to_run_without_a_second_factor():
    result = _run("import django; django.setup()", **PROD_ENV, TOCHUC_REQUIRE_2FA="none")
    assert result.returncode != 0
    assert "TOCHUC_REQUIRE_2FA=none không được phép" in result.stderr


def test_production_settings_are_hardened():
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({"
        "'hasher': s.PASSWORD_HASHERS[0], 'twofa': s.TOCHUC_REQUIRE_2FA, 'sslmode': s.DATABASES['default']['OPTIONS'].get('sslmode'),"
        "'session_cookie': s.SESSION_COOKIE_NAME, 'csrf_cookie': s.CSRF_COOKIE_NAME, 'hsts': s.SECURE_HSTS_SECONDS,"
        "'subdomains': s.SECURE_HSTS_INCLUDE_SUBDOMAINS, 'secure': s.SESSION_COOKIE_SECURE and s.CSRF_COOKIE_SECURE,"
        "'debug': s.DEBUG, 'apps': [a for a in s.INSTALLED_APPS if 'admin' in a or 'debug' in a]}))"
    )
    result = _run(code, **PROD_ENV)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "hasher": "django.contrib.auth.hashers.Argon2PasswordHasher",
        "twofa": "staff",
        "sslmode": "require",
        "session_cookie": "__Host-sessionid",
        "csrf_cookie": "__Host-csrftoken",
        "hsts": 31536000,
        "subdomains": True,
        "secure": True,
        "debug": False,
        "apps": [],
    }


def test_the_deployment_check_is_clean_in_production():
    code = (
        "import sys; from django.core.management import execute_from_command_line;"
        "execute_from_command_line(['tochuc', 'check', '--deploy', '--fail-level', 'WARNING'])"
    )
    result = _run(code, **PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_django_is_the_supported_lts_with_time_to_spare():
    assert django.VERSION[:2] == (5, 2)
    remaining = DJANGO_52_END - dt.date.today()
    if remaining < dt.timedelta(days=183):
        warnings.warn(f"Django 5.2 LTS support ends on {DJANGO_52_END}: plan the upgrade to 6.2", stacklevel=1)
    assert remaining > dt.timedelta(0)
