"""
Pages know what they show: each carries the keys of the objects and lists it shows, and a
committed change makes stale exactly the pages showing what it changed.
"""

import http.server
import socket
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import caching, services, tasks
from articles.caching import front, versions
from articles.models import Article, Byline
from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def site():
    """Two sections, two authors, an article in each, tagged; a third in the first section."""
    politics = factories.SectionFactory(name="Politics", slug="politics")
    sport = factories.SectionFactory(name="Sport", slug="sport")
    writer, other = factories.AuthorFactory(name="Ana Writer"), factories.AuthorFactory()
    budget = factories.ArticleFactory(
        headline="Budget passes", section=politics, tags=["Budget"], lead_photo=None
    )
    final = factories.ArticleFactory(headline="Cup final", section=sport, tags=["Football"])
    vote = factories.ArticleFactory(headline="Vote delayed", section=politics)
    factories.BylineFactory(article=budget, author=writer)
    factories.BylineFactory(article=final, author=other)
    factories.BylineFactory(article=vote, author=other)
    return {
        "budget": budget,
        "final": final,
        "vote": vote,
        "politics": politics,
        "sport": sport,
        "writer": writer,
    }


def keys(response):
    return set(response["Surrogate-Key"].split())


def warm(*urls):
    """Every URL fetched once (a MISS, now cached) and then served from the cache."""
    for url in urls:
        Client().get(url)
        assert Client().get(url)["X-Cache"] == "HIT", url


def cache_states(*urls):
    return {url: Client().get(url)["X-Cache"] for url in urls}


def test_an_article_page_carries_the_keys_of_what_it_shows(site):
    budget = site["budget"]

    response = Client().get(budget.get_absolute_url())

    shown = keys(response)
    assert {
        f"a{budget.pk}",
        f"s{site['politics'].pk}",
        f"au{site['writer'].pk}",
        "sections",
    } <= shown
    assert any(key.startswith("t") for key in shown)
    # An article page shows no list of articles: a new story elsewhere leaves it alone.
    assert not any(key.endswith("-list") for key in shown)
    assert response["xkey"] == response["Surrogate-Key"]


def test_list_pages_carry_their_list_and_each_card(site):
    section = Client().get(site["politics"].get_absolute_url())
    home = Client().get("/")

    assert {
        f"s{site['politics'].pk}-list",
        f"a{site['budget'].pk}",
        f"a{site['vote'].pk}",
    } <= keys(section)
    assert f"a{site['final'].pk}" not in keys(section)
    assert {"a-list", f"a{site['final'].pk}"} <= keys(home)


def test_an_edit_makes_stale_only_the_pages_showing_the_article(site, committed):
    budget, final = site["budget"], site["final"]
    pages = {
        "budget": budget.get_absolute_url(),
        "final": final.get_absolute_url(),
        "politics": site["politics"].get_absolute_url(),
        "sport": site["sport"].get_absolute_url(),
        "home": "/",
    }
    warm(*pages.values())

    with committed():
        budget.headline = "Budget passes at last"
        services.article_save(article=budget)

    states = cache_states(*pages.values())
    assert states == {
        pages["budget"]: "MISS",
        pages["politics"]: "MISS",
        pages["home"]: "MISS",
        pages["final"]: "HIT",
        pages["sport"]: "HIT",
    }
    assert "Budget passes at last" in Client().get(pages["politics"]).content.decode()


def test_a_new_story_makes_stale_its_lists_not_other_sections_or_articles(site, committed):
    sport_url, politics_url = site["sport"].get_absolute_url(), site["politics"].get_absolute_url()
    writer_url = site["writer"].get_absolute_url()
    feed, article_url = reverse("articles:feed-rss"), site["final"].get_absolute_url()
    warm(sport_url, politics_url, writer_url, feed, article_url, "/")

    with committed():
        services.article_save(
            article=Article(
                headline="Late winner",
                slug="late-winner",
                body="<p>It went in.</p>",
                section=site["sport"],
                status=Article.Status.PUBLISHED,
                publish_at=timezone.now() - timedelta(minutes=1),
            ),
            bylines=[Byline(author=site["writer"])],
        )

    assert cache_states(sport_url, "/", feed, writer_url) == dict.fromkeys(
        [sport_url, "/", feed, writer_url], "MISS"
    )
    assert cache_states(politics_url, article_url) == dict.fromkeys(
        [politics_url, article_url], "HIT"
    )
    assert "Late winner" in Client().get(sport_url).content.decode()


def test_unpublishing_makes_stale_the_lists_that_showed_the_story(site, committed):
    politics_url, sport_url = site["politics"].get_absolute_url(), site["sport"].get_absolute_url()
    warm(politics_url, sport_url)

    with committed():
        services.article_unpublish(article=site["budget"])

    assert cache_states(politics_url, sport_url) == {politics_url: "MISS", sport_url: "HIT"}
    assert "Budget passes" not in Client().get(politics_url).content.decode()


def test_moving_a_story_makes_stale_both_sections(site, committed):
    politics_url, sport_url = site["politics"].get_absolute_url(), site["sport"].get_absolute_url()
    warm(politics_url, sport_url)

    with committed():
        budget = site["budget"]
        budget.section = site["sport"]
        services.article_save(article=budget)

    assert cache_states(politics_url, sport_url) == dict.fromkeys([politics_url, sport_url], "MISS")
    assert "Budget passes" in Client().get(sport_url).content.decode()
    assert "Budget passes" not in Client().get(politics_url).content.decode()


def test_renaming_an_author_makes_stale_the_pages_showing_the_name(site, committed):
    budget_url, final_url = site["budget"].get_absolute_url(), site["final"].get_absolute_url()
    warm(budget_url, final_url)

    with committed():
        writer = site["writer"]
        writer.name = "Ana Renamed"
        services.content_save(instance=writer, fields=["name"])

    assert cache_states(budget_url, final_url) == {budget_url: "MISS", final_url: "HIT"}


def test_a_new_section_reaches_every_page_navigation(site, committed):
    url = site["final"].get_absolute_url()
    warm(url)

    with committed():
        services.content_save(
            instance=factories.SectionFactory.build(name="Weather", slug="weather")
        )

    assert cache_states(url) == {url: "MISS"}


def test_a_tag_renamed_in_taggit_admin_makes_its_pages_stale(site, committed):
    budget_url, final_url = site["budget"].get_absolute_url(), site["final"].get_absolute_url()
    warm(budget_url, final_url)

    with committed():
        tag = site["budget"].tags.get()
        tag.name = "Federal budget"
        tag.save()

    assert cache_states(budget_url, final_url) == {budget_url: "MISS", final_url: "HIT"}


def test_a_page_built_while_a_change_commits_is_not_kept(site, committed, monkeypatch):
    # The change commits after the page read the database and before it is stored: the page
    # may show the old story, so it must not be served from the cache afterwards.
    url, budget = site["budget"].get_absolute_url(), site["budget"]
    view = caching.PageCacheMiddleware.page_keys

    def change_meanwhile(self, request, loaded):
        with committed():
            budget.standfirst = "Changed while the page was built."
            services.article_save(article=budget)
        return view(self, request, loaded)

    monkeypatch.setattr(caching.PageCacheMiddleware, "page_keys", change_meanwhile)
    Client().get(url)
    monkeypatch.undo()

    assert Client().get(url)["X-Cache"] == "MISS"


def test_a_cache_failing_at_the_change_is_told_again_later(site, committed, monkeypatch):
    url, budget = site["budget"].get_absolute_url(), site["budget"]
    warm(url)
    told = []

    def unavailable(keys):
        raise caching.CacheUnavailable("cache down")

    monkeypatch.setattr(caching, "keys_stale", unavailable)
    monkeypatch.setattr(
        "articles.tasks.pages_stale_enqueue", lambda keys, cache=False: told.append((keys, cache))
    )
    with committed():
        budget.headline = "Changed while the cache was down"
        services.article_save(article=budget)

    assert told and told[0][1] is True
    assert f"a{budget.pk}" in told[0][0]


def test_pages_showing_many_articles_carry_one_key_for_all(site, committed):
    factories.ArticleFactory.create_batch(caching.keys.MAX_OBJECT_KEYS + 1)
    url = reverse("sitemap-section", kwargs={"section": "articles"})

    sitemap = Client().get(url)

    assert "a-any" in keys(sitemap)
    assert len(sitemap["Surrogate-Key"]) < 2000
    with committed():
        budget = site["budget"]
        budget.standfirst = "A change the sitemap cannot show, but a sitemap cannot tell."
        services.article_save(article=budget)
    assert Client().get(url)["X-Cache"] == "MISS"


def test_versions_are_counted_not_timed():
    built_at = versions.clock()
    assert versions.fresh(["a1", "a2"], built_at)[0]

    versions.keys_stale(["a1"])

    assert not versions.fresh(["a1"], built_at)[0]
    assert versions.fresh(["a2"], built_at)[0]
    assert versions.fresh(["a1", "a2"], versions.clock())[0]


@pytest.mark.django_db(transaction=True)
def test_a_change_made_by_another_process_reaches_the_running_site(tmp_path, settings):
    # The embedded default: a file cache every process shares. An import run as its own
    # process changes a headline; the site's next reader gets the new one.
    database = tmp_path / "site.sqlite3"
    cache_dir = tmp_path / "cache"
    env = {
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        # Static files from their folders, as a newcomer's site serves them: no collectstatic.
        "DEBUG": "true",
        "SECRET_KEY": "test",
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"sqlite:///{database}",
        "CACHE_URL": f"filecache://{cache_dir}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "ENV_FILE": str(tmp_path / "no.env"),
        "TASKS_BACKEND": "database",
        "PATH": "/usr/bin:/bin",
    }
    fixture = tmp_path / "story.json"

    def manage(*arguments):
        subprocess.run(
            [sys.executable, "manage.py", *arguments],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )

    def story(headline):
        fixture.write_text(
            '{"sections": [{"slug": "news", "name": "News"}], "articles": [{"slug": "story",'
            f' "headline": "{headline}", "section": "news", "body": "<p>Text.</p>",'
            ' "status": "published", "publish_at": "2024-01-01T00:00:00Z"}]}'
        )

    manage("migrate", "--no-input", "-v", "0")
    story("First headline")
    manage("import_articles", str(fixture))
    site_process = [
        sys.executable,
        "-c",
        "import django, sys; django.setup(); from django.test import Client; "
        "r = Client().get('/articles/story/'); print(r['X-Cache']); "
        "sys.stdout.write(r.content.decode())",
    ]

    def read():
        output = subprocess.run(
            site_process, cwd=ROOT, env=env, check=True, capture_output=True, text=True
        ).stdout
        return output.split("\n", 1)

    assert read()[0] == "MISS"
    state, page = read()
    assert state == "HIT" and "First headline" in page

    story("Second headline")
    manage("import_articles", str(fixture))

    state, page = read()
    assert state == "MISS" and "Second headline" in page
    assert django_settings.CACHES  # the suite's own cache is untouched


@pytest.fixture
def purge_server():
    """A stand-in front cache on 127.0.0.1 recording the keys of each PURGE; its address."""
    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_PURGE(self):
            received.append(self.headers["xkey-purge"].split())
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/", received
    server.shutdown()
    server.server_close()
    thread.join()


def test_a_change_purges_its_keys_from_the_front_caches(site, committed, settings, purge_server):
    url, received = purge_server
    settings.NEWSROOM_FRONT_CACHE_URLS = [url]

    with committed():
        budget = site["budget"]
        budget.headline = "Purged"
        services.article_save(article=budget)

    purged = {key for request in received for key in request}
    assert f"a{budget.pk}" in purged
    assert f"s{site['politics'].pk}-list" not in purged  # a headline moves it out of no list


def test_many_keys_are_purged_in_requests_a_front_cache_accepts(purge_server):
    url, received = purge_server
    keys = [f"a{number}" for number in range(front.KEYS_PER_REQUEST * 2 + 1)]

    assert front.front_caches_purge(keys, urls=[url]) == 3
    assert sorted(key for request in received for key in request) == sorted(keys)
    assert max(len(" ".join(request)) for request in received) < 8000


def test_a_front_cache_that_fails_is_tried_again_and_then_reported(settings, monkeypatch):
    port = socket_free_port()
    settings.NEWSROOM_FRONT_CACHE_URLS = [f"http://127.0.0.1:{port}/"]
    again = []
    monkeypatch.setattr(
        tasks,
        "_later",
        lambda to_run, delay: type("Later", (), {"enqueue": lambda *a, **k: again.append(k)})(),
    )

    assert tasks.pages_stale.call(["a1"]) == 0
    assert again == [{"cache": False, "attempt": 2}]
    with pytest.raises(front.PurgeFailed, match=str(port)):
        tasks.pages_stale.call(["a1"], attempt=tasks.RETRY_ATTEMPTS)


def socket_free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_new_articles_make_stale_their_lists_not_keys_no_page_shows(site):
    budget = site["budget"]

    created = caching.keys_for_changes([("articles.article", budget.pk, "create", ())])
    changed = caching.keys_for_changes([("articles.article", budget.pk, "change", ("body",))])

    assert f"a{budget.pk}" not in created
    assert {"a-list", f"s{site['politics'].pk}-list", f"au{site['writer'].pk}-list"} <= created
    assert changed == {f"a{budget.pk}", "a-any"}
