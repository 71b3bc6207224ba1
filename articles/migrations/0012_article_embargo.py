from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_search_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="embargoed_until",
            field=models.DateTimeField(
                blank=True,
                db_index=True,
                help_text="Until this time the story is hidden from readers and partners "
                "everywhere, whatever its status and publish time. Only lifting the embargo "
                "brings it forward.",
                null=True,
                verbose_name="embargoed until",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="embargo_note",
            field=models.CharField(
                blank=True,
                help_text="Whose embargo it is and on what terms (the agency, the source, the "
                "journal).",
                max_length=300,
                verbose_name="embargo note",
            ),
        ),
    ]
