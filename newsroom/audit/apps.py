from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "newsroom.audit"
    label = "audit"
    verbose_name = "Audit log"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from newsroom.audit import signals

        signals.connect(self)
