"""Password validators for the Vietnamese context (SECURITY.md A2, A8; decisions Q4).

No composition rules (ASVS 6.2.5): length, common words and reuse are what count.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

from tochuc.lib.vntext import fold

MSG_TOO_LONG = "Mật khẩu dài quá {limit} ký tự"
MSG_CONTEXT = "Mật khẩu chủ yếu là từ dễ đoán (tên tổ chức, đơn vị, tên đăng nhập): hãy dùng một cụm từ riêng"
MSG_REUSED = "Không được dùng lại một trong {count} mật khẩu gần nhất"
HELP_CONTEXT = "Mật khẩu không được chủ yếu gồm tên Đảng, tổ chức, đơn vị hay tên đăng nhập."

# Words an attacker tries first against a Party organisation's system, folded (no diacritics).
CONTEXT_WORDS = (
    "dangcongsanvietnam", "dangcongsan", "dangbo", "dangvien", "danguy", "chibo", "bantochuc",
    "tochuc", "thanhuy", "tinhuy", "quanuy", "huyenuy", "bithu", "phobithu", "vietnam", "hochiminh",
    "bacho", "cantho", "hanoi", "saigon", "matkhau", "password", "admin", "quantri", "abc", "qwerty",
    "anhyeuem", "emyeuanh", "iloveyou", "123456789", "12345678", "1234567", "123456", "12345",
    "2025", "2026", "2027",
)
# What must remain once the context words are taken out.
MIN_OWN_CHARS = 8


def _squash(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", fold(text or ""))


def context_words_for(user) -> list[str]:
    words = list(CONTEXT_WORDS)
    if user is None:
        return words
    if user.get_username():
        words.append(_squash(user.get_username()))
    if getattr(user, "pk", None):
        # The names of the units the user works in are the first guess of a colleague.
        from tochuc.accounts.models import Grant
        from tochuc.units.models import UnitVersion

        unit_ids = Grant.objects.filter(user=user).values("unit_id")
        for name in UnitVersion.objects.filter(unit_id__in=unit_ids).values_list("name", flat=True):
            words.append(_squash(name))
    return [w for w in words if len(w) >= 3]


class MaximumLengthValidator:
    """64 characters and more are accepted (ASVS 6.2.9); a cap keeps hashing cheap."""

    def __init__(self, limit: int = 256):
        self.limit = limit

    def validate(self, password: str, user=None) -> None:
        if len(password) > self.limit:
            raise ValidationError(MSG_TOO_LONG.format(limit=self.limit), code="password_too_long")

    def get_help_text(self) -> str:
        return f"Tối đa {self.limit} ký tự."


class ContextWordsValidator:
    """Refuses a password that is mostly words of the organisation's context.

    The context words are removed from the folded password (Vietnamese diacritics dropped, letters
    and digits only); fewer than 8 characters of the user's own must remain. "dangbo2026!" and
    "Đảng bộ phường Tân An 1" are refused; a long phrase that merely contains one such word is not.
    """

    def validate(self, password: str, user=None) -> None:
        rest = _squash(password)
        for word in sorted(set(context_words_for(user)), key=len, reverse=True):
            rest = rest.replace(word, "")
        if len(rest) < MIN_OWN_CHARS:
            raise ValidationError(MSG_CONTEXT, code="password_context_words")

    def get_help_text(self) -> str:
        return HELP_CONTEXT


class PasswordHistoryValidator:
    """Administrators may not reuse any of their last 10 passwords (TCVN 14423:2026 5.6.2.2 b).

    A documented deviation from ASVS 6.2.10, required by the Vietnamese standard.
    """

    def validate(self, password: str, user=None) -> None:
        from tochuc.accounts.auth import is_administrator
        from tochuc.accounts.models import PasswordHistory

        if user is None or not getattr(user, "pk", None) or not is_administrator(user):
            return

        count = settings.TOCHUC_PASSWORD_HISTORY
        earlier = list(
            PasswordHistory.objects.filter(user=user).order_by("-at", "-id").values_list("password", flat=True)[:count]
        )
        if user.password and user.password not in earlier:
            earlier = [user.password, *earlier][:count]
        if any(check_password(password, hashed) for hashed in earlier):
            raise ValidationError(MSG_REUSED.format(count=count), code="password_reused")

    def get_help_text(self) -> str:
        return MSG_REUSED.format(count=settings.TOCHUC_PASSWORD_HISTORY)
