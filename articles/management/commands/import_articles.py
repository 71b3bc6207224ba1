from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from articles.importing import import_file


class Command(BaseCommand):
    help = (
        "Import sections, agencies, photos, authors and articles from JSON fixture files "
        "(format: docs/fixture-format.md). A file with any invalid record imports nothing. "
        "It runs as the system, with every permission (an operator's tool), unless --as names "
        "the user whose permissions it should have."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Fixture files to import.")
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

    def handle(self, *args, paths, dry_run=False, username=None, **options):
        user = self.user(username) if username else None
        failed_files = 0
        totals = {"created": 0, "updated": 0, "unchanged": 0, "failed": 0}
        for path in paths:
            report = import_file(path, dry_run=dry_run, user=user)
            for warning in report.warnings:
                self.stderr.write(self.style.WARNING(f"warning: {warning}"))
            for problem in report.problems:
                self.stderr.write(self.style.ERROR(str(problem)))
            for name in totals:
                totals[name] += getattr(report, name)
            if report.ok:
                prefix = "dry run, nothing written: " if dry_run else ""
                self.stdout.write(self.style.SUCCESS(f"{path}: {prefix}{report.summary()}"))
            else:
                failed_files += 1
                self.stdout.write(
                    self.style.ERROR(f"{path}: nothing imported from this file: {report.summary()}")
                )
        if len(paths) > 1:
            self.stdout.write(
                "total: " + ", ".join(f"{name} {count}" for name, count in totals.items())
            )
        if failed_files:
            raise CommandError(f"{failed_files} of {len(paths)} file(s) had problems.")

    def user(self, username):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"No user “{username}”.") from None
        if not user.is_active:
            raise CommandError(f"The user “{username}” is inactive.")
        return user
