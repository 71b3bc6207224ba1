"""
Past one machine, what is configuration: read replicas behind a router, media in S3-compatible
object storage (docs/scaling.md).
"""

import pytest
from django.db import DEFAULT_DB_ALIAS, transaction
from django.test import Client

from articles.caching import middleware
from articles.models import Article
from newsroom import db_router
from tests import factories
from tests.test_settings import run_in_production, settings_shown


def test_replicas_come_from_the_environment_with_their_router():
    shown = settings_shown(
        "DATABASES",
        "DATABASE_ROUTERS",
        "NEWSROOM_DATABASE_REPLICAS",
        DATABASE_URL="postgres://app@primary.example.org:5432/news",
        DATABASE_REPLICA_URLS="postgres://app@replica-a.example.org:5432/news,"
        "postgres://app@replica-b.example.org:5432/news",
    )

    assert shown["NEWSROOM_DATABASE_REPLICAS"] == ["replica1", "replica2"]
    assert shown["DATABASE_ROUTERS"] == ["newsroom.db_router.ReplicaRouter"]
    replica = shown["DATABASES"]["replica2"]
    assert (replica["HOST"], replica["NAME"]) == ("replica-b.example.org", "news")
    assert replica["TEST"]["MIRROR"] == "default"
    assert replica["CONN_MAX_AGE"] == shown["DATABASES"]["default"]["CONN_MAX_AGE"]


def test_without_replicas_there_is_no_router():
    shown = settings_shown("DATABASE_ROUTERS", "NEWSROOM_DATABASE_REPLICAS")

    assert shown == {"DATABASE_ROUTERS": [], "NEWSROOM_DATABASE_REPLICAS": []}


def test_media_can_live_in_s3_compatible_storage():
    shown = settings_shown(
        "STORAGES",
        MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="news-media",
        AWS_S3_ENDPOINT_URL="https://s3.example.org",
        AWS_S3_CUSTOM_DOMAIN="media.example.org",
    )

    media = shown["STORAGES"]["default"]
    assert media["BACKEND"] == "storages.backends.s3.S3Storage"
    assert media["OPTIONS"] == {
        "bucket_name": "news-media",
        "endpoint_url": "https://s3.example.org",
        "region_name": None,
        "custom_domain": "media.example.org",
        "querystring_auth": False,
        "file_overwrite": False,
    }


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MEDIA_STORAGE": "ftp"}, "MEDIA_STORAGE must be files or s3, not 'ftp'"),
        ({"MEDIA_STORAGE": "s3"}, "AWS_STORAGE_BUCKET_NAME"),
    ],
)
def test_media_storage_half_configured_refuses_to_start(env, message):
    result = run_in_production(["-c", "import django; django.setup()"], **env)

    assert result.returncode != 0
    assert message in result.stderr


@pytest.fixture
def replica(settings):
    settings.NEWSROOM_DATABASE_REPLICAS = ["replica1"]
    return db_router.ReplicaRouter()


@pytest.mark.django_db(transaction=True)
def test_only_readers_pages_read_from_a_replica(replica):
    assert replica.db_for_read(Article) == DEFAULT_DB_ALIAS
    with db_router.replica_reads():
        assert replica.db_for_read(Article) == "replica1"
        assert replica.db_for_write(Article) == DEFAULT_DB_ALIAS
        with transaction.atomic():
            # What the transaction wrote is on the primary alone.
            assert replica.db_for_read(Article) == DEFAULT_DB_ALIAS
    assert replica.allow_migrate("replica1", "articles") is False
    assert replica.allow_migrate(DEFAULT_DB_ALIAS, "articles") is True


@pytest.mark.django_db
def test_a_readers_page_reads_the_replica_unless_the_site_just_changed(settings, monkeypatch):
    story = factories.ArticleFactory()
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    opened, replica_reads_of_the_router = [], db_router.replica_reads

    def replica_reads():
        opened.append(True)
        return replica_reads_of_the_router()

    monkeypatch.setattr(middleware.db_router, "replica_reads", replica_reads)

    settings.NEWSROOM_REPLICA_LAG_SECONDS = 3600
    Client().get(story.get_absolute_url())
    assert opened == []

    settings.NEWSROOM_REPLICA_LAG_SECONDS = 0
    Client().get(story.get_absolute_url())
    assert opened == [True]
