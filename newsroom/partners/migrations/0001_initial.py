# Help texts are long single strings here, as makemigrations writes them.
# ruff: noqa: E501

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("articles", "0014_article_external_id"),
    ]

    operations = [
        migrations.CreateModel(
            name="Partner",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="The partner's name as staff know it. Example: Baltic News Agency.",
                        max_length=200,
                        unique=True,
                        verbose_name="name",
                    ),
                ),
                (
                    "contact_email",
                    models.EmailField(
                        blank=True,
                        help_text="Whom to tell about a new key, a revoked one or a change to the API.",
                        max_length=254,
                        verbose_name="contact email",
                    ),
                ),
                (
                    "notes",
                    models.TextField(
                        blank=True,
                        help_text="The agreement behind the access, for staff: its terms, dates, reference.",
                        max_length=2000,
                        verbose_name="notes",
                    ),
                ),
                (
                    "all_sections",
                    models.BooleanField(
                        default=False,
                        help_text="Tick to serve stories of every section, sections added later included. Otherwise only stories of the sections chosen below are served.",
                        verbose_name="all sections",
                    ),
                ),
                (
                    "rate_limit",
                    models.PositiveIntegerField(
                        blank=True,
                        help_text="How many requests this partner's key may make each minute; further ones are refused until the minute is over. Empty: the site's default (PARTNER_API_RATE_PER_MINUTE).",
                        null=True,
                        validators=[django.core.validators.MinValueValidator(1)],
                        verbose_name="requests per minute",
                    ),
                ),
                (
                    "key_prefix",
                    models.CharField(
                        editable=False,
                        help_text="The first characters of the current key, to tell keys apart. The key itself is shown once, when it is issued, and kept nowhere.",
                        max_length=16,
                        verbose_name="key starts with",
                    ),
                ),
                (
                    "key_hash",
                    models.CharField(
                        editable=False,
                        help_text="The SHA-256 digest of the current key: what a request's key is checked against. Never shown.",
                        max_length=64,
                        unique=True,
                        verbose_name="key digest",
                    ),
                ),
                (
                    "key_issued_at",
                    models.DateTimeField(
                        editable=False,
                        help_text="When the current key was issued.",
                        verbose_name="key issued",
                    ),
                ),
                (
                    "revoked_at",
                    models.DateTimeField(
                        blank=True,
                        editable=False,
                        help_text="When access was revoked: the key no longer works. Issuing a new key gives access again.",
                        null=True,
                        verbose_name="revoked",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "sections",
                    models.ManyToManyField(
                        blank=True,
                        help_text="The sections whose published stories this partner may read, when “all sections” is not ticked. None chosen: no story at all.",
                        related_name="+",
                        to="articles.section",
                        verbose_name="sections",
                    ),
                ),
            ],
            options={
                "verbose_name": "partner",
                "verbose_name_plural": "partners",
                "ordering": ["name"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("rate_limit__isnull", True), ("rate_limit__gte", 1), _connector="OR"
                        ),
                        name="partner_rate_limit_positive",
                    )
                ],
            },
        ),
    ]
