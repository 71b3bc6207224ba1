from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from articles import roles, signals, subscribers

        signals.connect()
        subscribers.connect()
        post_migrate.connect(roles.roles_create_after_migrate, sender=self)
