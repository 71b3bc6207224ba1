from django.core.management.base import BaseCommand

from articles import services
from articles.models import Article


class Command(BaseCommand):
    help = (
        "Index every article for site search anew: after restoring a database, or a change of "
        "SEARCH_CONFIG (PostgreSQL's language for stems). The write path keeps the index "
        "current after each change; this is for the rest."
    )

    def handle(self, *args, **options):
        ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
        indexed = services.articles_search_index(article_ids=ids)
        self.stdout.write(self.style.SUCCESS(f"{indexed} articles indexed for search."))
