from django.apps import AppConfig


class CadresConfig(AppConfig):
    name = "tochuc.cadres"
    verbose_name = "Công tác cán bộ"

    def ready(self) -> None:
        try:
            from tochuc.demo import extensions
        except ImportError:  # the demo app without its extension hook: nothing to add
            return
        from tochuc.cadres.demo import cadre_demo

        extensions.register(cadre_demo)
