from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_foreign_keys_covered_by_history_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="action",
            field=models.CharField(
                choices=[
                    ("create", "Created"),
                    ("change", "Changed"),
                    ("delete", "Deleted"),
                    ("publish", "Published"),
                    ("unpublish", "Unpublished"),
                    ("schedule", "Scheduled"),
                    ("lift_embargo", "Lifted an embargo"),
                    ("restore", "Restored a revision"),
                    ("correct", "Corrected"),
                    ("import", "Imported"),
                    ("upload", "Uploaded a photo"),
                    ("login", "Signed in"),
                    ("logout", "Signed out"),
                    ("login_failed", "Failed to sign in"),
                    ("user_change", "Changed a user"),
                    ("group_change", "Changed a group or membership"),
                    ("permission_change", "Changed permissions"),
                    ("other", "Other"),
                    ("derive", "Derived"),
                ],
                max_length=32,
                verbose_name="action",
            ),
        ),
    ]
