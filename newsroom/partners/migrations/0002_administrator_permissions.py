"""
Administrators manage the partners (articles/roles.py names this app among theirs): the
Administrator group made before this app existed is given every permission of it. Frozen here
rather than imported: the partners' app stands below the articles.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMINISTRATOR = "Administrator"


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    # Permissions are written on post_migrate, after every migration: a new database has none.
    create_permissions(global_apps.get_app_config("partners"), verbosity=0, apps=apps, using=using)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = Permission.objects.using(using).filter(content_type__app_label="partners")
    for group in Group.objects.using(using).filter(name=ADMINISTRATOR):
        group.permissions.add(*wanted)


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0001_initial"),
        ("articles", "0007_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    # Going back keeps the permissions: taking them away is an administrator's decision.
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
