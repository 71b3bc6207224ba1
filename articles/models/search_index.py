"""
The full-text index of articles (its tables: migration 0011), written here and read by
ArticleQuerySet.search(). Each article is indexed whatever its status: who may find it is
decided when searching, so a story going live at its time needs no new indexing.
"""

from collections.abc import Iterable
from itertools import islice

from articles import search

TABLE = "articles_search_index"
BATCH_SIZE = 500
# SQLite's trigger that forgets a deleted article in the index (migration 0011). SQLite drops
# a table's triggers when a migration remakes the table (most field changes do): a migration
# that changes articles_article makes it again (CREATE … IF NOT EXISTS).
SQLITE_FORGET_TRIGGER = f"""
    CREATE TRIGGER IF NOT EXISTS {TABLE}_forget AFTER DELETE ON articles_article
    BEGIN DELETE FROM {TABLE} WHERE rowid = old.id; END
"""

_SQLITE_INSERT = f"INSERT INTO {TABLE} (rowid, headline, standfirst, body) VALUES (%s, %s, %s, %s)"
_POSTGRESQL_INSERT = (
    f"INSERT INTO {TABLE} (article_id, vector) VALUES (%s, "
    "setweight(to_tsvector(%s::regconfig, %s), 'A') || "
    "setweight(to_tsvector(%s::regconfig, %s), 'B') || "
    "setweight(to_tsvector(%s::regconfig, %s), 'C'))"
)


def supported(connection) -> bool:
    return connection.vendor in ("sqlite", "postgresql")


def index_rows(connection, rows: Iterable[tuple], *, config: str) -> int:
    """
    Add (id, headline, standfirst, body markup) rows to the index (index_delete() first what
    it held of them): a query per BATCH_SIZE rows. Returns the number of rows.
    """
    if not supported(connection):
        return 0
    written = 0
    rows = iter(rows)
    while batch := list(islice(rows, BATCH_SIZE)):
        values = [
            (pk, headline, standfirst, search.plain_text(body))
            for pk, headline, standfirst, body in batch
        ]
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.executemany(_SQLITE_INSERT, values)
            else:
                cursor.executemany(
                    _POSTGRESQL_INSERT,
                    [(pk, config, h, config, s, config, b) for pk, h, s, b in values],
                )
        written += len(batch)
    return written


def index_delete(connection, ids: Iterable[int]) -> None:
    """Remove these article ids from the index."""
    ids = [int(pk) for pk in ids]
    if not ids or not supported(connection):
        return
    column = "rowid" if connection.vendor == "sqlite" else "article_id"
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE {column} IN ({placeholders})", ids)
