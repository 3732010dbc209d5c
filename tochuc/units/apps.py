from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "tochuc.units"
    verbose_name = "Tổ chức đảng và đơn vị"
