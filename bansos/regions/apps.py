from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "bansos.regions"
    label = "regions"
    verbose_name = "Regions"
