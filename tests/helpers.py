"""What tests of several modules share: data that is not a factory, and no fixtures."""

from datetime import timedelta

from django.utils import timezone

from articles.models import Article

# Every state in which readers cannot see a story: each output is tested against each of them.
HIDDEN_STATES = {
    "draft": {"status": Article.Status.DRAFT, "publish_at": None},
    "in review": {"status": Article.Status.IN_REVIEW, "publish_at": None},
    "unpublished": {
        "status": Article.Status.UNPUBLISHED,
        "publish_at": timezone.now() - timedelta(days=1),
    },
    "scheduled": {
        "status": Article.Status.PUBLISHED,
        "publish_at": timezone.now() + timedelta(hours=1),
    },
    # Published, its publish time past, but under an embargo still running.
    "embargoed": {
        "status": Article.Status.PUBLISHED,
        "publish_at": timezone.now() - timedelta(hours=1),
        "embargoed_until": timezone.now() + timedelta(hours=1),
    },
}
