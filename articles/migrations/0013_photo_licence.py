import articles.models.fields
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_article_embargo"),
    ]

    operations = [
        migrations.AddField(
            model_name="photo",
            name="license_url",
            field=articles.models.fields.URLField(
                blank=True,
                help_text="The address of the licence the photo is published under (its web "
                "statement of rights). Search engines show it with the image.",
                verbose_name="licence",
            ),
        ),
        migrations.AddField(
            model_name="photo",
            name="acquire_license_url",
            field=articles.models.fields.URLField(
                blank=True,
                help_text="A page where others can license this photo.",
                verbose_name="where to license it",
            ),
        ),
    ]
