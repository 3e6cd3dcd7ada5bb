from django.apps import AppConfig


class LookupConfig(AppConfig):
    name = "bansos.lookup"
    label = "lookup"
    verbose_name = "Cek Bansos"
