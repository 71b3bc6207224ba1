import gc
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from articles.importing import import_file


class _Rollback(Exception):
    pass


@contextmanager
def _start_up_frozen():
    """
    What Django and the command loaded before the import (apps, models, modules: tens of
    thousands of objects that live as long as the process) is left out of the cyclic garbage
    collector's full passes while the import runs; an archive's import makes a dozen of them,
    and walking the start-up's objects was half a second of each 10,000 articles.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


class Command(BaseCommand):
    help = (
        "Import sections, agencies, photos, authors and articles from JSON fixture files "
        "(format: docs/fixture-format.md), or stories from IPTC ninjs 1.x, 2.x and 3.x files "
        "or folders (docs/ninjs.md). A file with any invalid record imports nothing. "
        "It runs as the system, with every permission (an operator's tool), unless --as names "
        "the user whose permissions it should have."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="+",
            metavar="PATH",
            help="Fixture files, ninjs files, or folders of ninjs files to import.",
        )
        parser.add_argument(
            "--section",
            metavar="SLUG",
            help="ninjs only: the section its stories are filed in (ninjs has none). Default: "
            "“wire”, made (out of the navigation) when missing.",
        )
        parser.add_argument(
            "--ninjs-schema",
            metavar="VERSION",
            help="ninjs only: check every item against this IPTC schema (1.0 … 3.1) rather "
            "than the latest of the version its keys show.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Validate and report what would change, without writing anything.",
        )
        parser.add_argument(
            "--as",
            dest="username",
            metavar="USERNAME",
            help="Import with this user's permissions: what they may not do in the admin "
            "(publish, as a reporter) is refused. New articles are theirs.",
        )
        parser.add_argument(
            "--all-or-nothing",
            action="store_true",
            help="Import every file or none: one file with a problem leaves all unwritten.",
        )
        parser.add_argument(
            "--no-progress",
            action="store_true",
            help="No progress bar, even on a terminal (there is none when not on one).",
        )

    def handle(self, *args, paths, dry_run=False, username=None, **options):
        user = self.user(username) if username else None
        self.ninjs = {
            "section": options.get("section"),
            "ninjs_schema": options.get("ninjs_schema"),
        }
        self.show_progress = not options.get("no_progress") and sys.stderr.isatty()
        started = time.monotonic()
        try:
            with _start_up_frozen():
                reports = self.import_files(
                    paths, dry_run=dry_run, user=user, all_or_nothing=options.get("all_or_nothing")
                )
        except _Rollback as rollback:
            reports = rollback.args[0]
            self.stdout.write(self.style.ERROR("--all-or-nothing: no file was imported."))
        self.summarise(paths, reports, time.monotonic() - started)

    def import_files(self, paths, *, dry_run, user, all_or_nothing):
        if all_or_nothing:
            with transaction.atomic():
                reports = self.import_all(paths, dry_run=dry_run, user=user)
                if any(not report.ok for report in reports):
                    raise _Rollback(reports)
            return reports
        return self.import_all(paths, dry_run=dry_run, user=user)

    def import_all(self, paths, *, dry_run, user):
        reports = []
        for path in _files(paths):
            with tqdm(
                desc=str(path), unit=" articles", disable=not self.show_progress, leave=False
            ) as bar:

                def progress(done, total, bar=bar):
                    bar.total = total
                    bar.update(done - bar.n)

                report = import_file(
                    path, dry_run=dry_run, user=user, progress=progress, **self.ninjs
                )
            self.say(path, report, dry_run=dry_run)
            reports.append(report)
        return reports

    def say(self, path, report, *, dry_run):
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"warning: {warning}"))
        for problem in report.problems:
            self.stderr.write(self.style.ERROR(str(problem)))
        if report.ok:
            prefix = "dry run, nothing written: " if dry_run else ""
            self.stdout.write(self.style.SUCCESS(f"{path}: {prefix}{report.summary()}"))
        else:
            self.stdout.write(
                self.style.ERROR(f"{path}: nothing imported from this file: {report.summary()}")
            )

    def summarise(self, paths, reports, seconds):
        totals = {"created": 0, "updated": 0, "unchanged": 0, "failed": 0}
        for report in reports:
            for name in totals:
                totals[name] += getattr(report, name)
        if len(reports) > 1:
            self.stdout.write(
                "total: " + ", ".join(f"{name} {count}" for name, count in totals.items())
            )
        articles = sum(report.articles for report in reports)
        rate = articles / seconds if seconds > 0 else 0
        self.stdout.write(f"{articles} articles read in {seconds:.1f} s ({rate:,.0f} articles/s)")
        failed_files = sum(1 for report in reports if not report.ok)
        if failed_files:
            raise CommandError(f"{failed_files} of {len(reports)} file(s) had problems.")

    def user(self, username):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"No user “{username}”.") from None
        if not user.is_active:
            raise CommandError(f"The user “{username}” is inactive.")
        return user


def _files(paths):
    """The files to import: each path given, and the .json files of each folder, in order."""
    for path in paths:
        folder = Path(path)
        if folder.is_dir():
            found = sorted(str(p) for p in folder.iterdir() if p.suffix == ".json" and p.is_file())
            if not found:
                raise CommandError(f"{path}: no .json file in this folder.")
            yield from found
        else:
            yield path
