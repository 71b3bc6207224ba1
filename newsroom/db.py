"""What the apps share of the database, below all of them."""

from collections.abc import Iterable, Sequence

from django.db import connections, router, transaction

# Field types whose Python values the database takes as they are (ids, numbers, text).
_PLAIN_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "CharField",
        "ForeignKey",
        "IntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SlugField",
        "SmallIntegerField",
        "TextField",
        "URLField",
    }
)


def insert_rows(model, fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """
    Insert `rows`, each the values of `fields` (attribute names, "article_id" for a foreign
    key) of `model`, with one prepared statement; values are converted as their fields convert
    them (times, JSON). For rows written by the ten thousand, where the work bulk_create does on
    each object costs several times the writing. No ids come back, no signal is sent, and no
    default is filled in. All rows or none: outside a transaction, executemany() would commit
    each row on its own (slowly, and half the rows would stay after a failure). Returns the
    number of rows.
    """
    connection = connections[router.db_for_write(model)]
    columns = [model._meta.get_field(name) for name in fields]
    converters = [
        (index, field.get_db_prep_save)
        for index, field in enumerate(columns)
        if field.get_internal_type() not in _PLAIN_TYPES
    ]
    if converters:
        rows = (_converted(row, converters, connection) for row in rows)
    rows = list(rows)
    if not rows:
        return 0
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in columns),
        ", ".join(["%s"] * len(columns)),
    )
    with transaction.atomic(using=connection.alias, savepoint=False), connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    return len(rows)


def _converted(row, converters, connection):
    row = list(row)
    for index, convert in converters:
        row[index] = convert(row[index], connection)
    return row
