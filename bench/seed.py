"""Seed a bench database: many published articles in one section, each with two bylines."""

import sys
from datetime import timedelta

import django

django.setup()

from django.utils import timezone  # noqa: E402

from articles.models import Agency, Article, Author, Byline, Section  # noqa: E402

count = int(sys.argv[1])
section = Section.objects.create(name="World", slug="world")
author = Author.objects.create(name="Bench Writer", slug="bench-writer")
agency = Agency.objects.create(name="Bench Agency", short_name="BA", slug="ba")
now = timezone.now()
paragraph = "<p>" + "A sentence of a bench story. " * 12 + "</p>"
articles = Article.objects.bulk_create(
    Article(
        headline=f"Bench story {number}",
        slug=f"bench-story-{number}",
        standfirst="What happened, in one sentence.",
        body=paragraph * 12,
        section=section,
        status=Article.Status.PUBLISHED,
        publish_at=now - timedelta(minutes=number),
        first_published_at=now - timedelta(minutes=number),
    )
    for number in range(count)
)
Byline.objects.bulk_create(
    row
    for article in articles
    for row in (
        Byline(article=article, author=author, position=0),
        Byline(article=article, agency=agency, position=1, role=Byline.Role.CONTRIBUTOR),
    )
)
print(f"seeded {count} articles")
