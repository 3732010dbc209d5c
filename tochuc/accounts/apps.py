from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tochuc.accounts"
    verbose_name = "Tài khoản và phạm vi"

    def ready(self) -> None:
        from tochuc.accounts import auth  # noqa: F401  (connects the login/logout signal receivers)
