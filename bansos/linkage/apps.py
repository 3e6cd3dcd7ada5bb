from django.apps import AppConfig


class LinkageConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bansos.linkage"
    verbose_name = "Record linkage"
