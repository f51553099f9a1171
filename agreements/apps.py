from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = "Agreements"

    def ready(self):
        from . import changes, openapi, proposals  # noqa: F401  (signal handlers, schema extensions)
