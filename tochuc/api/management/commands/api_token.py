"""`tochuc api_token add|list|revoke USERNAME`: tokens for scripts that call the JSON API.

The secret is printed once, at creation; only its hash is kept. A token acts with exactly the
grants of its user. Tokens are revoked, never deleted.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tochuc.accounts.models import User
from tochuc.api.models import ApiToken
from tochuc.api.services import DEFAULT_DAYS, MAX_DAYS, api_token_create, api_token_revoke
from tochuc.core.findings import RecordRefused

MSG_NO_USER = "Không có người dùng {value!r}"
MSG_NO_TOKEN = "Người dùng {username} không có khóa truy cập số {value}"


def _when(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else "–"


def _state(token: ApiToken, now) -> str:
    if token.revoked_on is not None:
        return f"đã thu hồi {_when(token.revoked_on)}"
    if token.expires_at <= now:
        return "hết hạn"
    return "còn hiệu lực"


class Command(BaseCommand):
    help = "Khóa truy cập API của người dùng: tạo, liệt kê, thu hồi"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="tạo khóa mới (in ra một lần duy nhất)")
        add.add_argument("username")
        add.add_argument("--name", required=True, help="dùng cho việc gì, ví dụ 'Cổng thông tin quận'")
        add.add_argument("--days", type=int, default=DEFAULT_DAYS, help=f"số ngày hiệu lực (1–{MAX_DAYS}, mặc định {DEFAULT_DAYS})")
        listing = sub.add_parser("list", help="liệt kê các khóa của người dùng")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="thu hồi một khóa")
        revoke.add_argument("username")
        revoke.add_argument("token_id", type=int, help="số của khóa (cột đầu của lệnh list)")

    def handle(self, *args, action: str, username: str, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(MSG_NO_USER.format(value=username))
        try:
            if action == "add":
                made = api_token_create(by=None, user=user, name=options["name"], days=options["days"])
                self.stdout.write(f"Đã tạo khóa số {made.token.pk} cho {user.username}, hết hạn {_when(made.token.expires_at)}.")
                self.stdout.write("Khóa chỉ hiện một lần này, hãy lưu lại ngay:")
                self.stdout.write(made.secret)
            elif action == "list":
                now = timezone.now()
                tokens = ApiToken.objects.filter(user=user).order_by("id")
                if not tokens:
                    self.stdout.write(f"{user.username} chưa có khóa truy cập API nào.")
                for t in tokens:
                    self.stdout.write(
                        f"{t.pk}\t{t.prefix}…\t{t.name}\ttạo {_when(t.created_at)}\thết hạn {_when(t.expires_at)}"
                        f"\tdùng lần cuối {_when(t.last_used_at)}\t{_state(t, now)}"
                    )
            else:
                token = ApiToken.objects.filter(user=user, pk=options["token_id"]).first()
                if token is None:
                    raise CommandError(MSG_NO_TOKEN.format(username=user.username, value=options["token_id"]))
                api_token_revoke(by=None, token=token)
                self.stdout.write(f"Đã thu hồi khóa số {token.pk} ({token.name}) của {user.username}.")
        except RecordRefused as refused:
            raise CommandError("\n".join(str(f) for f in refused.findings)) from None
