from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "bansos.programs"
    label = "programs"
    verbose_name = "Programs"
