from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "tochuc.api"
    verbose_name = "API"
