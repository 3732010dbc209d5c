from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "tochuc.events"
    verbose_name = "Sự kiện"
