"""The newsroom in Django's admin: each module registers its models' pages."""

from articles.admin import articles, content, fronts, live, photos  # noqa: F401  (registers the pages)
