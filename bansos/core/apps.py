from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "bansos.core"
    label = "core"
    verbose_name = "Core"
