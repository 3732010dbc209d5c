from django.apps import AppConfig


class CadresConfig(AppConfig):
    name = "tochuc.cadres"
    verbose_name = "Công tác cán bộ"
