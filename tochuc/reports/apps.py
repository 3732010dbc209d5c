from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "tochuc.reports"
    verbose_name = "Chỉ số và báo cáo"
