from django.db import migrations, models

from articles.models.search_index import SQLITE_FORGET_TRIGGER


def forget_trigger(apps, schema_editor):
    """On SQLite, the search index's trigger again: remaking articles_article dropped it."""
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_FORGET_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_photo_licence"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="external_id",
            field=models.CharField(
                blank=True,
                help_text="The supplier's identifier for this story (a ninjs uri or guid): a "
                "newer version of it updates this article.",
                max_length=500,
                verbose_name="external ID",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="external_version",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="The supplier's version of the story last imported (its time and "
                "number).",
                max_length=100,
                verbose_name="external version",
            ),
        ),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.UniqueConstraint(
                condition=models.Q(("external_id", ""), _negated=True),
                fields=("external_id",),
                name="article_unique_external_id",
            ),
        ),
        migrations.RunPython(forget_trigger, migrations.RunPython.noop, elidable=False),
    ]
