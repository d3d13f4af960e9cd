from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ladle.accounts"
    label = "accounts"
