from django.apps import AppConfig


class NoticesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bansos.notices"
    verbose_name = "Announcements and notifications"

    def ready(self) -> None:
        from bansos.notices import receivers  # noqa: F401  (connects the period-opened hook)
