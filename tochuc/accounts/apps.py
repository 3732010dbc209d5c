from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tochuc.accounts"
    verbose_name = "Tài khoản và phạm vi"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from tochuc.accounts import auth  # noqa: F401  (connects the login/logout signal receivers)
        from tochuc.core import appendonly

        post_migrate.connect(appendonly.reinstall_after_migrate, dispatch_uid="tochuc_append_only")
