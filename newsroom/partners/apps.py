from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "newsroom.partners"
    label = "partners"
    verbose_name = "Partners"
    default_auto_field = "django.db.models.BigAutoField"
