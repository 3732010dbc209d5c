from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "tochuc.demo"
    verbose_name = "Dữ liệu mẫu"
