"""
Editors and Administrators may read the audit log and the background tasks: groups made
before these apps existed are given the view permissions (articles/roles.py).
"""

from django.db import migrations

from articles import roles


def grant(apps, schema_editor):
    roles.roles_grant_oversight(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_roles"),
        ("audit", "0001_initial"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
