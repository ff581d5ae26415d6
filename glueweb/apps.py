from django.apps import AppConfig


class GluewebConfig(AppConfig):
    name = "glueweb"
    label = "glueweb"
    verbose_name = "glueweb"

    def ready(self) -> None:
        from glueweb import roles

        roles.connect_signals()
