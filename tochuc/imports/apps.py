from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "tochuc.imports"
    verbose_name = "Nhập, xuất dữ liệu"
