"""One setting for the site's public address, and one helper for absolute URLs."""

import subprocess
import sys

import feedparser
import pytest
from django.core.exceptions import ImproperlyConfigured
from lxml import etree

from newsroom.site import absolute_url
from tests import factories

pytestmark = pytest.mark.django_db


def test_absolute_urls_need_no_request_once_the_site_url_is_set(settings):
    settings.NEWSROOM_SITE_URL = "https://news.example.org/"

    assert absolute_url("/articles/x/") == "https://news.example.org/articles/x/"


def test_without_site_url_or_request_the_error_names_the_setting(settings):
    settings.NEWSROOM_SITE_URL = ""

    with pytest.raises(ImproperlyConfigured, match="SITE_URL must be set"):
        absolute_url("/articles/x/")


def test_pages_feeds_and_sitemaps_use_the_public_address_not_the_request_host(client, settings):
    settings.NEWSROOM_SITE_URL = "https://news.example.org"
    article = factories.ArticleFactory(slug="story")

    page = client.get(article.get_absolute_url(), HTTP_HOST="localhost").content.decode()
    feed = feedparser.parse(client.get("/feed/", HTTP_HOST="localhost").content)
    sitemap = etree.fromstring(client.get("/sitemap-articles.xml", HTTP_HOST="localhost").content)

    assert 'href="https://news.example.org/articles/story/"' in page
    assert feed.entries[0].link == "https://news.example.org/articles/story/"
    assert feed.entries[0].id.startswith("tag:news.example.org,")
    locs = sitemap.xpath("//s:loc/text()", namespaces={"s": sitemap.nsmap[None]})
    assert locs == ["https://news.example.org/articles/story/"]


def test_a_site_url_without_a_scheme_is_refused_at_start(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DEBUG": "true",
            "SITE_URL": "news.example.org",
            "ENV_FILE": str(tmp_path / "none"),
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
    )

    assert result.returncode != 0
    assert "SITE_URL must start with https:// or http://" in result.stderr
