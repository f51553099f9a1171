from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = "Agreements"

    def ready(self):
        # Signal handlers and schema extensions register themselves on import.
        from agreements.drafting import proposals  # noqa: F401
        from agreements.sync import changelog, tracking  # noqa: F401
        from config.api import openapi  # noqa: F401
