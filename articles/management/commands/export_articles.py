"""
Exporting stories as IPTC ninjs (articles.syndication): one JSON array of documents, valid
against IPTC's 3.1 or 2.2 schema, for partners and wire exchange; `import_articles` reads it
back. Written as it is read, a batch at a time, so memory stays flat however many there are.
"""

import json
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from articles import syndication
from articles.models import Article

FORMATS = {"ninjs-3": "3.1", "ninjs-2": "2.2"}
BATCH = 500


class Command(BaseCommand):
    help = (
        "Export articles as IPTC ninjs 3.1 (default) or 2.2: a JSON array of documents written "
        "to OUT (a file, or - for standard output). All articles, or those the options select."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", metavar="OUT", help="The file to write, or - for stdout.")
        parser.add_argument("--format", choices=sorted(FORMATS), default="ninjs-3")
        parser.add_argument("--section", action="append", metavar="SLUG", help="Repeatable.")
        parser.add_argument("--author", action="append", metavar="SLUG", help="Repeatable.")
        parser.add_argument(
            "--status", action="append", choices=Article.Status.values, help="Repeatable."
        )
        parser.add_argument(
            "--published", action="store_true", help="Only what readers may see now."
        )
        parser.add_argument("--since", metavar="TIME", help="Publish time at or after (ISO).")
        parser.add_argument("--until", metavar="TIME", help="Publish time before (ISO).")

    def handle(self, *args, out, **options):
        articles = self.selected(options)
        version = FORMATS[options["format"]]
        try:
            if out == "-":
                count = self.write(articles, version, self.stdout._out)
            else:
                path = Path(out)
                partial = path.with_name(path.name + ".partial")
                try:
                    with partial.open("w", encoding="utf-8") as file:
                        count = self.write(articles, version, file)
                    # Whole or not at all: a failed export leaves no half-written file behind.
                    partial.replace(path)
                finally:
                    partial.unlink(missing_ok=True)
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(f"{out}: cannot be written: {error.strerror or error}") from None
        if out != "-":
            self.stderr.write(f"{count} article(s) written to {out} (ninjs {version}).")

    def selected(self, options):
        articles = Article.objects.published() if options["published"] else Article.objects.all()
        if options["section"]:
            articles = articles.filter(section__slug__in=options["section"])
        if options["author"]:
            articles = articles.filter(bylines__author__slug__in=options["author"]).distinct()
        if options["status"]:
            articles = articles.filter(status__in=options["status"])
        for name, lookup in (("since", "publish_at__gte"), ("until", "publish_at__lt")):
            if options[name]:
                moment = parse_datetime(options[name])
                if moment is None or moment.tzinfo is None:
                    raise CommandError(
                        f"--{name}: “{options[name]}” is not a time with a UTC offset "
                        "(example: 2024-10-17T12:00:00+00:00)."
                    )
                articles = articles.filter(**{lookup: moment})
        return articles.for_detail().order_by("publish_at", "pk")

    def write(self, articles, version, file):
        count = 0
        file.write("[")
        for article in articles.iterator(chunk_size=BATCH):
            document = syndication.article_ninjs(article, version=version)
            file.write(("," if count else "") + "\n" + json.dumps(document, ensure_ascii=False))
            count += 1
        file.write("\n]\n")
        return count
