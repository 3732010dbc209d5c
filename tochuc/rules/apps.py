from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "tochuc.rules"
    verbose_name = "Quy định"

    def ready(self) -> None:
        from tochuc.rules import catalogue  # noqa: F401  registers the rules
