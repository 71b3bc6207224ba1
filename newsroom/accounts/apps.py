from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "newsroom.accounts"
    label = "accounts"
    verbose_name = "Staff accounts"

    def ready(self):
        # The project's deployment checks live beside the settings; this is the project's own app
        # that every install has, so it registers them.
        from newsroom import checks  # noqa: F401
        from newsroom.accounts import signals

        signals.connect()
