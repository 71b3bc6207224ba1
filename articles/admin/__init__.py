"""The newsroom in Django's admin: each module registers its models' pages."""

from articles.admin import (  # noqa: F401  (registers the pages)
    articles,
    banner,
    content,
    fronts,
    live,
    photos,
)
