import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = (
        "Create (or reset) the demo editor account, a staff user in the Editor group (who may "
        "manage all newsroom content and publish it), and print its login. For local demos only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="editor")

    @transaction.atomic
    def handle(self, *args, username, **options):
        password = secrets.token_urlsafe(12)
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"first_name": "Demo", "last_name": "Editor"}
        )
        user.is_staff = True
        user.is_active = True
        user.set_password(password)
        user.save()
        # The role, not permissions of its own: it has what every editor has.
        user.groups.set([Group.objects.get(name="Editor")])
        user.user_permissions.clear()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo editor {'created' if created else 'reset'}. "
                f"Log in at http://127.0.0.1:8000/admin/ as “{username}” "
                f"with password “{password}”."
            )
        )
