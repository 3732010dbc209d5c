"""One env-driven settings module. Every variable is listed in `.env.example`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("TOCHUC_VAR_DIR", PROJECT_DIR / "var"))

_DEV_SECRET = "dev-only-insecure-key-do-not-use-in-production"


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} phải là true/false, nhận được {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} phải là số nguyên, nhận được {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


PRODUCTION = env_bool("TOCHUC_PRODUCTION", False)
DEBUG = env_bool("TOCHUC_DEBUG", False)
SECRET_KEY = os.environ.get("TOCHUC_SECRET_KEY", _DEV_SECRET)
if PRODUCTION and (SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 40):
    raise ImproperlyConfigured(
        "TOCHUC_SECRET_KEY phải được đặt (ít nhất 40 ký tự) khi chạy ở chế độ production"
    )
# Backups are encrypted with this key (AES-256-GCM, SECURITY.md E7/F3); production needs one.
TOCHUC_BACKUP_KEY = os.environ.get("TOCHUC_BACKUP_KEY", "")
if PRODUCTION and len(TOCHUC_BACKUP_KEY) < 32:
    raise ImproperlyConfigured(
        "TOCHUC_BACKUP_KEY phải được đặt (ít nhất 32 ký tự) khi chạy ở chế độ production: bản sao lưu được mã hóa bằng khóa này"
    )
ALLOWED_HOSTS = env_list("TOCHUC_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "tochuc.core",
    "tochuc.accounts",
    "tochuc.units",
    "tochuc.people",
    "tochuc.events",
    "tochuc.rules",
    "tochuc.cadres",
    "tochuc.reports",
    "tochuc.imports",
    "tochuc.api",
    "tochuc.demo",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tochuc.accounts.middleware.ScopeMiddleware",
    # Sessions, second factor, rate limits, headers, refusal logging, generic errors (SECURITY.md).
    "tochuc.core.middleware.SecurityMiddleware",
]

ROOT_URLCONF = "tochuc.urls"
WSGI_APPLICATION = "tochuc.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite under var/ is the embedded default; DATABASE_URL selects PostgreSQL.
_db_url = os.environ.get("DATABASE_URL", "")
if _db_url:
    DATABASES = {"default": dj_database_url.parse(_db_url, conn_max_age=env_int("TOCHUC_DB_CONN_MAX_AGE", 60))}
    # JIT compiles every report query whose estimate passes jit_above_cost: 110 ms of the 200–300 ms
    # of each event count on the demo city (EXPLAIN ANALYZE), to save a few ms of execution.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # SECURITY.md E7: in production the database link is encrypted unless the URL says otherwise.
    if PRODUCTION and "sslmode" not in _db_url:
        DATABASES["default"].setdefault("OPTIONS", {})["sslmode"] = os.environ.get("TOCHUC_DB_SSLMODE", "require")
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("TOCHUC_SQLITE_PATH", str(VAR_DIR / "tochuc.sqlite3")),
            "OPTIONS": {
                # Durability (SECURITY.md F1): WAL, fsync on every commit, FK checks,
                # writers take the lock up front so two clerks never deadlock mid-transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=FULL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }
# Parallel test runs (several developers on one machine) may name their own PostgreSQL test database.
if os.environ.get("TOCHUC_TEST_DB_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TOCHUC_TEST_DB_NAME"]}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Under pytest only, the same Argon2id with tiny parameters: fixtures hash a password per account.
TESTING = "pytest" in sys.modules and not PRODUCTION
if TESTING:
    PASSWORD_HASHERS = ["tochuc.accounts.hashers.FastArgon2PasswordHasher", *PASSWORD_HASHERS]
# SECURITY.md Q4: 12 characters at least, no composition rules, common and context words refused;
# administrators may not reuse their last 10 passwords.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "tochuc.accounts.validators.MaximumLengthValidator"},
    {"NAME": "tochuc.accounts.validators.ContextWordsValidator"},
    {"NAME": "tochuc.accounts.validators.PasswordHistoryValidator"},
]

# Account and session policy (SECURITY.md A3-A8, decisions Q4).
TOCHUC_LOCKOUT_FAILURES = env_int("TOCHUC_LOCKOUT_FAILURES", 5)
TOCHUC_LOCKOUT_MINUTES = env_int("TOCHUC_LOCKOUT_MINUTES", 30)
TOCHUC_IDLE_MINUTES = env_int("TOCHUC_IDLE_MINUTES", 15)
TOCHUC_ADMIN_IDLE_MINUTES = env_int("TOCHUC_ADMIN_IDLE_MINUTES", 5)
TOCHUC_SESSION_HOURS = env_int("TOCHUC_SESSION_HOURS", 8)
TOCHUC_INACTIVE_DAYS = env_int("TOCHUC_INACTIVE_DAYS", 45)
TOCHUC_ADMIN_PASSWORD_DAYS = env_int("TOCHUC_ADMIN_PASSWORD_DAYS", 60)
TOCHUC_PASSWORD_HISTORY = env_int("TOCHUC_PASSWORD_HISTORY", 10)
TOCHUC_SECURITY_LOG_DAYS = env_int("TOCHUC_SECURITY_LOG_DAYS", 365)
# Who must use a second factor (TOTP): "staff" = administrators and specialists, "all", or "none".
TOCHUC_REQUIRE_2FA = os.environ.get("TOCHUC_REQUIRE_2FA", "staff" if PRODUCTION else "none").strip().lower()
if TOCHUC_REQUIRE_2FA not in {"none", "staff", "all"}:
    raise ImproperlyConfigured(f"TOCHUC_REQUIRE_2FA phải là none, staff hoặc all, nhận được {TOCHUC_REQUIRE_2FA!r}")
if PRODUCTION and TOCHUC_REQUIRE_2FA == "none":
    raise ImproperlyConfigured("TOCHUC_REQUIRE_2FA=none không được phép ở chế độ production")
OTP_TOTP_ISSUER = "tochuc"
# Requests per user per minute on expensive paths (SECURITY.md G2).
# Seconds the figures of a unit and period, and a due list, are kept for the next user while the
# logs do not move (tochuc.core.cache); 0 computes them on every request.
TOCHUC_RESULT_CACHE_SECONDS = env_int("TOCHUC_RESULT_CACHE_SECONDS", 60)
# A report over more units than this (the nation, a large province) is computed by a background
# job with its progress (tochuc.reports.jobs), on a thread of the web process or, with
# TOCHUC_JOB_RUNNER=worker, by `tochuc jobs run`.
TOCHUC_JOB_UNITS = env_int("TOCHUC_JOB_UNITS", 5000)
TOCHUC_JOB_RUNNER = os.environ.get("TOCHUC_JOB_RUNNER", "thread")
TOCHUC_RATE_LIMITS = {
    "export": env_int("TOCHUC_RATE_EXPORT", 30),
    "import": env_int("TOCHUC_RATE_IMPORT", 10),
    "search": env_int("TOCHUC_RATE_SEARCH", 120),
    "api": env_int("TOCHUC_RATE_API", 300),
}

LANGUAGE_CODE = "vi"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# whitenoise warns at start-up when the directory is missing (a fresh checkout before collectstatic)
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = TOCHUC_SESSION_HOURS * 3600
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("TOCHUC_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # The __Host- prefix binds cookies to this exact host over HTTPS (ASVS 3.3.1).
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    # Behind a TLS-terminating proxy, name the header it sets (e.g. "HTTP_X_FORWARDED_PROTO").
    if os.environ.get("TOCHUC_PROXY_SSL_HEADER"):
        SECURE_PROXY_SSL_HEADER = (os.environ["TOCHUC_PROXY_SSL_HEADER"], "https")

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
DATA_UPLOAD_MAX_NUMBER_FILES = 5
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Structured JSON lines; control characters escaped and CCCD numbers masked (SECURITY.md E5).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "tochuc.accounts.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TOCHUC_LOG_LEVEL", "WARNING")},
}
