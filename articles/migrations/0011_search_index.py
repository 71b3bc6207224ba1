# The full-text index of articles for site search (articles.services.search keeps it current,
# after each change, in the background). Not a model: each database has its own kind.
#   PostgreSQL: articles_search_index(article_id, vector tsvector), a GIN index on the vector,
#               weighted headline A > standfirst B > body C.
#   SQLite:     articles_search_index, an FTS5 table (porter stemming) whose rowid is the
#               article's id; bm25() weighs its columns at query time.
# However an article leaves the table (a deletion, or `manage.py flush`'s DELETE or TRUNCATE),
# the database forgets it in the index too: no row may outlive its article.

from django.conf import settings
from django.db import migrations

from articles.models.search_index import index_rows

SQLITE_CREATE = [
    """
    CREATE VIRTUAL TABLE articles_search_index USING fts5(
        headline, standfirst, body, tokenize = 'porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER articles_search_index_forget AFTER DELETE ON articles_article
    BEGIN DELETE FROM articles_search_index WHERE rowid = old.id; END
    """,
]
POSTGRESQL_CREATE = [
    # No foreign key: the TRUNCATE of a flush would refuse it. The triggers below do its work.
    "CREATE TABLE articles_search_index (article_id bigint PRIMARY KEY, vector tsvector NOT NULL)",
    "CREATE INDEX articles_search_index_vector ON articles_search_index USING GIN (vector)",
    """
    CREATE FUNCTION articles_search_index_forget() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE' THEN
            TRUNCATE articles_search_index;
        ELSE
            DELETE FROM articles_search_index WHERE article_id = OLD.id;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER articles_search_index_forget_row AFTER DELETE ON articles_article
    FOR EACH ROW EXECUTE FUNCTION articles_search_index_forget()
    """,
    """
    CREATE TRIGGER articles_search_index_forget_all AFTER TRUNCATE ON articles_article
    FOR EACH STATEMENT EXECUTE FUNCTION articles_search_index_forget()
    """,
]


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        statements = SQLITE_CREATE
    elif connection.vendor == "postgresql":
        statements = POSTGRESQL_CREATE
    else:
        return
    for statement in statements:
        schema_editor.execute(statement)
    Article = apps.get_model("articles", "Article")
    rows = Article.objects.values_list("pk", "headline", "standfirst", "body").iterator(2000)
    index_rows(connection, rows, config=settings.NEWSROOM_SEARCH_CONFIG)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER articles_search_index_forget")
    elif vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER articles_search_index_forget_row ON articles_article")
        schema_editor.execute("DROP TRIGGER articles_search_index_forget_all ON articles_article")
        schema_editor.execute("DROP FUNCTION articles_search_index_forget()")
    else:
        return
    schema_editor.execute("DROP TABLE articles_search_index")


class Migration(migrations.Migration):
    dependencies = [("articles", "0010_text_limits")]

    operations = [migrations.RunPython(create, drop)]
