from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "tochuc.people"
    verbose_name = "Đảng viên, cán bộ"
