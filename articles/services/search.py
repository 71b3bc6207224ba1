"""Keeping the search index current: the write path's subscriber asks, a task does it."""

from collections.abc import Iterable

from django.conf import settings
from django.db import connections, router, transaction

from articles.models import Article
from articles.models.search_index import BATCH_SIZE, index_delete, index_rows


def articles_search_index(*, article_ids: Iterable[int]) -> int:
    """
    Index these articles as they now are; those deleted meanwhile leave the index. Each batch
    of BATCH_SIZE in its own transaction, in a fixed number of queries. Returns how many
    articles were indexed.
    """
    connection = connections[router.db_for_write(Article)]
    ids = sorted(set(article_ids))
    indexed = 0
    for start in range(0, len(ids), BATCH_SIZE):
        batch = ids[start : start + BATCH_SIZE]
        with transaction.atomic(using=connection.alias):
            rows = list(
                Article.objects.filter(pk__in=batch).values_list(
                    "pk", "headline", "standfirst", "body"
                )
            )
            index_delete(connection, batch)
            indexed += index_rows(connection, rows, config=settings.NEWSROOM_SEARCH_CONFIG)
    return indexed
