"""
Exporting stories: as our own fixture file with the photo files beside it (articles.exporting),
which `import_articles` reads back as it was; or as IPTC ninjs (articles.syndication), one JSON
array of documents valid against IPTC's 3.1 or 2.2 schema, for partners and wire exchange.
Written as it is read, a batch at a time, so memory stays flat however many there are.
"""

import json
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from articles import exporting, syndication
from articles.models import Article

NINJS = {"ninjs-3": "3.1", "ninjs-2": "2.2"}
FORMATS = ["fixture", *NINJS]
BATCH = 500


class Command(BaseCommand):
    help = (
        "Export articles to OUT: as a fixture file with the photo files in photos/ beside it "
        "(the default; import_articles reads it back), or as IPTC ninjs 3.1 or 2.2, a JSON array "
        "of documents (OUT may be - for standard output). All articles, or those the options "
        "select."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", metavar="OUT", help="The file to write, or - for stdout.")
        parser.add_argument("--format", choices=FORMATS, default="fixture")
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
        try:
            if options["format"] == "fixture":
                self.write_fixture(articles, out, whole=self.whole(options))
            else:
                self.write_ninjs(articles, out, NINJS[options["format"]])
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(f"{out}: cannot be written: {error.strerror or error}") from None

    def write_fixture(self, articles, out, *, whole):
        if out == "-":
            raise CommandError(
                "A fixture export needs a file to write: its photo files go in the same folder."
            )
        result = exporting.write_fixture(articles, Path(out), whole=whole)
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(warning))
        counts = ", ".join(f"{kind} {count}" for kind, count in result.counts.items())
        self.stderr.write(f"Written to {out}: {counts}.")

    def write_ninjs(self, articles, out, version):
        articles = articles.for_detail().order_by("publish_at", "pk")
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
            self.stderr.write(f"{count} article(s) written to {out} (ninjs {version}).")

    @staticmethod
    def whole(options):
        """Whether every article is exported: then every section, person and photo is too."""
        names = ("section", "author", "status", "published", "since", "until")
        return not any(options[name] for name in names)

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
        return articles

    def write(self, articles, version, file):
        count = 0
        file.write("[")
        for article in articles.iterator(chunk_size=BATCH):
            document = syndication.article_ninjs(article, version=version)
            file.write(("," if count else "") + "\n" + json.dumps(document, ensure_ascii=False))
            count += 1
        file.write("\n]\n")
        return count
