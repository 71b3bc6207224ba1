"""
Writing an import's articles through the write path, a batch at a time, with their live
updates, and the links to articles further on in the file once every one is written; and,
when the write path refuses a batch, finding every problem of it, each named by its record.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from articles import services
from articles.importing.plan import Plan
from articles.models import Article, RelatedLink

# Articles planned, checked and written together: the queries are a fixed number per batch.
BATCH_SIZE = 500


class Rollback(Exception):
    """Raised to undo a transaction on purpose (a dry run, a check)."""


class ArticleWriting:
    """The writing half of a file's import (core._FileImport): its reporting is the file's."""

    def write_articles(self, plans):
        items = [_article_input(plan) for plan in plans]
        try:
            with transaction.atomic():
                services.articles_save(items=items, user=self.user)
        except (ValidationError, PermissionDenied):
            self.diagnose(plans)
            return
        self.write_live_entries(plans)
        for plan in plans:
            if plan.deferred_links is not None:
                rows = plan.record.data.get("related_links", [])
                self.deferred.append((plan.label, plan.instance.slug, rows, plan.record))

    def write_live_entries(self, plans):
        """The live blogs' updates, for the records that give them: one call for the batch."""
        given = [plan for plan in plans if plan.live_entries is not None]
        if not given:
            return
        items = [(plan.instance, plan.live_entries) for plan in given]
        try:
            with transaction.atomic():
                services.live_entries_sync(items=items, user=self.user)
        except PermissionDenied as error:
            self.problem(given[0], "live_entries", str(error))
        except ValidationError:
            # Whose updates: each blog's checked on its own, to name it; nothing is kept.
            for plan in given:
                try:
                    with transaction.atomic():
                        services.live_entries_sync(items=[(plan.instance, plan.live_entries)])
                        raise Rollback
                except Rollback:
                    pass
                except ValidationError as error:
                    self.report_error(plan, error)

    def diagnose(self, plans):
        """Every problem the write path finds with `plans`, written or not."""
        items = [_article_input(plan) for plan in plans]
        for index, refusal in services.articles_refusals(items=items, user=self.user):
            if isinstance(refusal, ValidationError):
                self.report_error(plans[index], refusal)
            else:
                self.problem(plans[index], "", str(refusal))
        self.writing = False

    def write_deferred_links(self):
        """Links to articles that came later in the file, now that every one is written."""
        if not self.writing:
            return
        for start in range(0, len(self.deferred), BATCH_SIZE):
            chunk = self.deferred[start : start + BATCH_SIZE]
            slugs = {slug for _, slug, _, _ in chunk}
            slugs |= {row.get("article") for _, _, rows, _ in chunk for row in rows} - {None}
            found = Article.objects.select_related("lead_photo").in_bulk(slugs, field_name="slug")
            items = [
                services.ArticleInput(
                    article=found[slug],
                    related_links=[_link(found.get(row.get("article")), row) for row in rows],
                    fingerprint=record.fingerprint,
                )
                for _, slug, rows, record in chunk
            ]
            try:
                with transaction.atomic():
                    services.articles_save(items=items, user=self.user)
            except (ValidationError, PermissionDenied):
                refusals = services.articles_refusals(items=items, user=self.user)
                for index, refusal in refusals:
                    label = chunk[index][0]
                    if isinstance(refusal, ValidationError):
                        for name, messages in message_dict(refusal).items():
                            for message in messages:
                                self.problem(label, "" if name == "__all__" else name, message)
                    else:
                        self.problem(label, "", str(refusal))
        self.deferred = []


def _link(target, row):
    """A related link row from a fixture's data and its resolved target."""
    return RelatedLink(target=target, url=row.get("url", ""), title=row.get("title", ""))


def _article_input(plan: Plan):
    return services.ArticleInput(
        article=plan.instance,
        bylines=plan.bylines,
        related_links=plan.links,
        tags=plan.tags,
        corrections=plan.corrections,
        fingerprint=plan.record.fingerprint,
    )


def message_dict(error):
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {"__all__": error.messages}
