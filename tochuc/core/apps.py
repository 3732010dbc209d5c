from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tochuc.core"
    verbose_name = "Lõi hệ thống"
