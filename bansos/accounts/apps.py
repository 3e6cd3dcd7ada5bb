from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "bansos.accounts"
    label = "accounts"
    verbose_name = "Accounts"
