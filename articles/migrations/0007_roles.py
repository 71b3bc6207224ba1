"""
The newsroom's roles as groups: Reporter, Editor and Administrator, with the permissions
articles/roles.py gives them (a role that exists already is left as it is).
"""

from django.db import migrations

from articles import roles


def create_roles(apps, schema_editor):
    roles.roles_create(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_article_created_by_publish_permission"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("redirects", "0002_alter_redirect_new_path_help_text"),
        ("sites", "0002_alter_domain_unique"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    # Going back keeps the groups: deleting them would take people out of their roles.
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
