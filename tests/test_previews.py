"""
Shareable previews: a link shows an unpublished story to a reader without an account, marked
"Preview", kept by no cache and indexed by nobody, until it expires or is revoked; then it is
the site's plain 404. Making, revoking and opening links are audited.
"""

import hashlib
import io
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.caching import address, middleware, store
from articles.caching.wsgi import serve_kept
from articles.models import Article, PreviewLink
from newsroom.audit.models import Action, AuditEntry, Door
from tests import factories
from tests.helpers import HIDDEN_STATES
from tests.pages import (
    AXE_SCRIPT,
    NPM_HINT,
    SCREENSHOTS,
    WIDTHS,
    axe_violations,
    describe_violations,
    installed,
    live_site,
    open_chromium,
    seed_import,
    vnu_errors,
)
from tests.test_seed import SLUG

pytestmark = pytest.mark.django_db


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def text(element):
    return " ".join(element.get_text().split())


def share(article, *, user=None, note="Dr Ana Silva", days=7):
    """A new link to `article`, with the address that opens it."""
    link, token = services.preview_link_create(
        article=article, expires_at=timezone.now() + timedelta(days=days), user=user, note=note
    )
    return link, reverse("articles:preview", args=[token])


def opened_just_now(link):
    """As if the link had been opened a moment ago: opening it again records nothing."""
    PreviewLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())


@pytest.fixture
def draft(editor):
    article = factories.ArticleFactory(
        headline="Secret draft", draft=True, created_by=editor, lead_photo=factories.PhotoFactory()
    )
    factories.BylineFactory(article=article, author__name="Angela Skujins")
    return article


# The page.


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_preview_link_shows_a_hidden_story_to_an_anonymous_reader(client, editor, state):
    factories.ArticleFactory(headline="A public story")  # the site has other content
    hidden = factories.ArticleFactory(headline="Work in progress", **HIDDEN_STATES[state])
    _, url = share(hidden, user=editor)

    response = client.get(url)

    assert response.status_code == 200
    page = soup(response)
    assert text(page.h1) == "Work in progress"
    banner = page.select_one(".preview-banner")
    assert text(banner).startswith("Preview: this article is not on the public site")
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex, nofollow"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert {"private", "no-store", "no-cache"} <= set(response["Cache-Control"].split(", "))
    assert response["Referrer-Policy"] == "no-referrer"
    assert "Surrogate-Key" not in response and "xkey" not in response
    # Nothing is given to the reader to keep: no session, no cookie.
    assert not response.cookies


def test_preview_looks_as_the_staff_preview_does(client, editor_client, draft):
    _, url = share(draft)

    shared = soup(client.get(url))
    staff = soup(editor_client.get(draft.get_absolute_url()))

    assert shared.select_one("main").decode() == staff.select_one("main").decode()
    assert text(shared.select_one(".byline")) == "By Angela Skujins"


def test_public_address_of_a_previewed_draft_stays_a_404_for_readers(client, draft):
    _, url = share(draft)
    assert client.get(url).status_code == 200

    response = client.get(draft.get_absolute_url())

    assert response.status_code == 404
    assert b"Secret draft" not in response.content


def test_story_published_since_sends_the_link_to_its_public_page(client, draft):
    _, url = share(draft)
    Article.objects.filter(pk=draft.pk).update(
        status=Article.Status.PUBLISHED, publish_at=timezone.now() - timedelta(minutes=1)
    )

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == draft.get_absolute_url()
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert client.get(response["Location"]).status_code == 200


# Links that do not open.


def expire(link):
    PreviewLink.objects.filter(pk=link.pk).update(
        created_at=timezone.now() - timedelta(days=2), expires_at=timezone.now()
    )


def test_link_answers_404_once_expired(client, draft):
    link, url = share(draft)
    assert client.get(url).status_code == 200

    expire(link)
    response = client.get(url)

    assert response.status_code == 404
    assert b"Secret draft" not in response.content


def test_link_answers_404_once_revoked(client, draft, editor):
    link, url = share(draft)
    assert client.get(url).status_code == 200

    services.preview_link_revoke(link=link, user=editor)
    response = client.get(url)

    assert response.status_code == 404
    assert b"Secret draft" not in response.content


def test_link_answers_404_once_its_story_is_deleted(client, draft, editor):
    link, url = share(draft)
    assert client.get(url).status_code == 200

    services.article_delete(article=draft, user=editor)

    assert client.get(url).status_code == 404
    assert not PreviewLink.objects.filter(pk=link.pk).exists()


def answer(url):
    """(status, body, header names, query count) of an anonymous request for `url`."""
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(url)
    headers = set(response.headers) - {"Date"}
    return response.status_code, response.content, headers, len(queries)


def test_every_link_that_does_not_open_is_the_same_plain_404(draft, editor):
    expired, expired_url = share(draft, note="Expired")
    expire(expired)
    revoked, revoked_url = share(draft, note="Revoked")
    services.preview_link_revoke(link=revoked, user=editor)
    gone_story = factories.ArticleFactory(draft=True)
    _, deleted_url = share(gone_story, note="Deleted")
    services.article_delete(article=gone_story, user=editor)
    _, working_url = share(draft, note="Working")  # a link that does open exists
    unknown_url = reverse("articles:preview", args=["A" * 43])
    Client().get(unknown_url)  # the site's per-process caches, once, for all

    found = [answer(url) for url in (expired_url, revoked_url, deleted_url, unknown_url)]
    malformed = [
        answer(reverse("articles:preview", args=[token]))
        for token in ["short", "A" * 42 + "!", "A" * 44, "A" * 5000]
    ]

    missing = answer("/articles/no-such-story/")
    assert missing[0] == 404
    assert text(soup(Client().get(unknown_url)).h1) == "We can’t find that page"
    for status, body, headers, _ in found + malformed:
        assert (status, body, headers) == missing[:3]
    # The same work for every well-formed token, found or not, as for a missing story: one
    # query for what the address names, and the 404's own look-up of an old address. A
    # malformed token is refused without a query.
    assert {queries for *_, queries in found} == {missing[3]}
    assert {queries for *_, queries in malformed} == {missing[3] - 1}
    assert Client().get(working_url).status_code == 200


def test_the_token_is_stored_nowhere(client, draft, editor, committed):
    with committed():
        link, url = share(draft, user=editor)
    token = url.split("/")[-2]
    client.get(url)

    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)

    assert token not in dump.getvalue()
    assert link.token_hash in dump.getvalue()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert PreviewLink.objects.get(pk=link.pk).token_hash != token


# The page cache and front caches.


def test_page_cache_never_keeps_a_preview_so_a_revoked_link_is_a_404_at_once(
    client, draft, settings
):
    assert settings.NEWSROOM_PAGE_CACHE_SECONDS > 0
    link, url = share(draft)
    other = factories.ArticleFactory(headline="Another draft", draft=True)
    _, other_url = share(other)

    first, second = client.get(url), client.get(url)
    elsewhere = client.get(other_url)

    assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "MISS")
    assert store.get(address.page_name(first.wsgi_request.META)) is None
    assert middleware.kept_page(first.wsgi_request.META) is None
    assert text(soup(elsewhere).h1) == "Another draft"
    assert client.get(draft.get_absolute_url()).status_code == 404
    PreviewLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())
    assert client.get(url).status_code == 404


def test_the_kept_page_door_in_front_of_django_never_answers_a_preview(draft):
    _, url = share(draft)
    calls = []

    def django(environ, start_response):
        calls.append(environ["PATH_INFO"])
        start_response("200 OK", [])
        return [b""]

    application = serve_kept(django)
    Client().get(url)
    for _ in range(2):
        application(
            {
                "REQUEST_METHOD": "GET",
                "PATH_INFO": url,
                "QUERY_STRING": "",
                "SERVER_NAME": "testserver",
                "SERVER_PORT": "80",
                "HTTP_HOST": "testserver",
                "wsgi.url_scheme": "http",
                "wsgi.input": io.BytesIO(b""),
            },
            lambda *args: None,
        )

    assert calls == [url, url]


# Queries: one literal count whatever the story holds.


def story_with(count):
    article = factories.ArticleFactory(draft=True, lead_photo=factories.PhotoFactory())
    for position in range(count):
        factories.BylineFactory(article=article, position=position)
        factories.BylineFactory(
            article=article, author=None, agency=factories.AgencyFactory(), position=10 + position
        )
        factories.RelatedLinkFactory(article=article, position=position)
        article.tags.add(f"tag {position}")
    return article


@pytest.mark.parametrize("count", [1, 3])
def test_preview_page_queries_do_not_grow_with_related_items(
    client, django_assert_num_queries, count
):
    link, url = share(story_with(count))
    opened_just_now(link)

    # The link; the article (with section and photo), bylines, tags, related links,
    # corrections; the navigation sections, the breaking-news banner and the next scheduled
    # publication (the site's frame, built once per content version).
    with django_assert_num_queries(9):
        response = client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 3])
def test_first_opening_in_an_hour_costs_a_fixed_few_queries_more(
    client, django_assert_num_queries, count
):
    _, url = share(story_with(count))
    ContentType.objects.get_for_model(PreviewLink)  # cached per process, as on a site

    # As above, plus the conditional update of the time last opened (in its savepoint) and,
    # after commit, the audit entry.
    with django_assert_num_queries(9 + 3 + 1):
        response = client.get(url)

    assert response.status_code == 200


# The audit log.


def test_sharing_revoking_and_opening_are_audited(client, draft, editor, committed):
    with committed():
        link, url = share(draft, user=editor, note="Dr Ana Silva, to check her quotes")

    client.get(url, REMOTE_ADDR="203.0.113.7")
    client.get(url, REMOTE_ADDR="198.51.100.2")  # within the hour: not recorded again
    with committed():
        services.preview_link_revoke(link=link, user=editor)

    entries = list(AuditEntry.objects.for_object(link).order_by("at", "pk"))
    assert [(e.action, e.door, e.username, e.ip_address) for e in entries] == [
        (Action.PREVIEW_SHARE, Door.SHELL, editor.username, None),
        (Action.PREVIEW_OPEN, Door.PREVIEW, "", "203.0.113.7"),
        (Action.PREVIEW_REVOKE, Door.SHELL, editor.username, None),
    ]
    shared, opened, revoked = entries
    story = f"Preview of “Secret draft” (article {draft.pk})"
    assert shared.object_repr == "Preview link for Dr Ana Silva, to check her quotes"
    until = timezone.localtime(link.expires_at)
    assert shared.summary == (
        f"{story} shared with Dr Ana Silva, to check her quotes, until {until:%Y-%m-%d %H:%M %Z}"
    )
    assert shared.fields == ["expires_at", "note"]
    assert opened.summary == f"{story}, shared with Dr Ana Silva, to check her quotes: opened"
    assert opened.user is None
    assert (
        revoked.summary == f"{story}, shared with Dr Ana Silva, to check her quotes: link revoked"
    )
    assert revoked.fields == ["revoked_at"]


def test_opening_is_audited_again_after_an_hour(client, draft):
    link, url = share(draft)
    client.get(url)
    PreviewLink.objects.filter(pk=link.pk).update(
        last_used_at=timezone.now() - timedelta(minutes=61)
    )

    client.get(url)

    opened = AuditEntry.objects.for_object(link).filter(action=Action.PREVIEW_OPEN)
    assert opened.count() == 2
    assert PreviewLink.objects.get(pk=link.pk).last_used_at > timezone.now() - timedelta(minutes=1)


def test_a_failure_to_record_the_opening_never_costs_the_page(client, draft, monkeypatch, caplog):
    _, url = share(draft)

    def failing(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "preview_link_opened", failing)
    response = client.get(url)

    assert response.status_code == 200
    assert text(soup(response).h1) == "Secret draft"
    assert "not recorded" in caplog.text


# The rules.


def test_expiry_must_be_in_the_future_and_within_30_days(draft, editor):
    for expires_at in [timezone.now() - timedelta(minutes=1), timezone.now() + timedelta(days=31)]:
        with pytest.raises(ValidationError) as refused:
            services.preview_link_create(
                article=draft, expires_at=expires_at, user=editor, note="Someone"
            )
        assert "expires_at" in refused.value.message_dict
    assert not PreviewLink.objects.exists()


def test_a_public_story_is_not_shared_by_preview(editor):
    public = factories.ArticleFactory()

    with pytest.raises(ValidationError, match="public site already"):
        share(public, user=editor)


def test_a_reporter_shares_their_own_draft_and_no_one_elses(editor):
    reporter = factories.ReporterFactory()
    own = factories.ArticleFactory(draft=True, created_by=reporter)
    others = factories.ArticleFactory(draft=True, created_by=factories.ReporterFactory())
    in_review = factories.ArticleFactory(
        status=Article.Status.IN_REVIEW, publish_at=None, created_by=reporter
    )

    share(own, user=reporter)
    for article in (others, in_review):
        with pytest.raises(PermissionDenied):
            share(article, user=reporter)


def test_a_user_without_the_change_permission_may_not_share(draft):
    viewer = factories.UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_article"))

    with pytest.raises(PermissionDenied):
        share(draft, user=viewer)


def test_editors_revoke_any_link_reporters_only_their_own(editor):
    reporter, colleague = factories.ReporterFactory(), factories.ReporterFactory()
    own = factories.ArticleFactory(draft=True, created_by=reporter)
    theirs, _ = share(own, user=reporter)
    editors, _ = share(own, user=editor)

    with pytest.raises(PermissionDenied):
        services.preview_link_revoke(link=editors, user=reporter)
    with pytest.raises(PermissionDenied):
        services.preview_link_revoke(link=theirs, user=colleague)
    services.preview_link_revoke(link=theirs, user=reporter)
    services.preview_link_revoke(link=editors, user=editor)

    assert not PreviewLink.objects.usable().exists()


# The admin.


def previews_url(article):
    return reverse("admin:articles_article_previews", args=[article.pk])


def expiry_field(days):
    return (timezone.localtime() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def test_change_form_offers_sharing_to_who_may_share(client, editor_client, draft):
    offered = soup(editor_client.get(reverse("admin:articles_article_change", args=[draft.pk])))
    client.force_login(factories.ReporterFactory())
    read_only = soup(client.get(reverse("admin:articles_article_change", args=[draft.pk])))

    assert offered.select_one(f'.object-tools a[href="{previews_url(draft)}"]')
    assert read_only.select_one(f'.object-tools a[href="{previews_url(draft)}"]') is None


def test_editor_shares_a_preview_and_sees_the_link_once(editor_client, editor, draft):
    page = soup(editor_client.get(previews_url(draft)))
    expires = page.select_one("input[name=expires_at]")["value"]
    assert (
        timezone.datetime.fromisoformat(expires).date()
        == (timezone.localtime() + timedelta(days=7)).date()
    )

    response = editor_client.post(
        previews_url(draft), {"note": "Dr Ana Silva", "expires_at": expiry_field(2)}
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    shown = soup(response).select_one("#preview-link-url")["value"]
    assert shown.startswith("http://testserver/preview/")
    assert not list(get_messages(response.wsgi_request))
    link = PreviewLink.objects.get()
    assert (link.note, link.created_by, link.article) == ("Dr Ana Silva", editor, draft)
    assert AuditEntry.objects.for_object(link).get().door == Door.ADMIN
    opened = Client().get(shown.removeprefix("http://testserver"))
    assert text(soup(opened).h1) == "Secret draft"
    again = editor_client.get(previews_url(draft))
    assert soup(again).select_one("#preview-link-url") is None
    assert shown.split("/")[-2] not in again.content.decode()
    row = soup(again).select_one("#preview-link-list tbody tr")
    assert text(row.th) == "Dr Ana Silva"
    assert text(row.select("td")[0]).startswith("Active until ")


@pytest.mark.parametrize("days", [-1, 31])
def test_admin_refuses_an_expiry_out_of_bounds(editor_client, draft, days):
    response = editor_client.post(
        previews_url(draft), {"note": "Dr Ana Silva", "expires_at": expiry_field(days)}
    )

    assert response.status_code == 200
    assert soup(response).select_one(".errorlist")
    assert not PreviewLink.objects.exists()


def test_editor_revokes_a_link_from_the_admin(editor_client, draft):
    link, url = share(draft)

    response = editor_client.post(
        reverse("admin:articles_article_preview_revoke", args=[draft.pk, link.pk])
    )

    assert response.status_code == 302
    assert PreviewLink.objects.get(pk=link.pk).revoked_at is not None
    assert Client().get(url).status_code == 404
    assert editor_client.get(response["Location"]).status_code == 200


def test_reporter_may_not_open_sharing_of_anothers_story_nor_revoke(client, draft):
    link, _ = share(draft)
    client.force_login(factories.ReporterFactory())

    assert client.get(previews_url(draft)).status_code == 403
    revoke = reverse("admin:articles_article_preview_revoke", args=[draft.pk, link.pk])
    assert client.post(revoke).status_code == 403
    assert (
        client.post(previews_url(draft), {"note": "x", "expires_at": expiry_field(1)}).status_code
        == 403
    )
    assert PreviewLink.objects.get(pk=link.pk).revoked_at is None


def test_a_user_without_the_change_permission_is_kept_out_of_sharing(client, draft):
    viewer = factories.UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(viewer)

    response = client.post(previews_url(draft), {"note": "x", "expires_at": expiry_field(1)})

    assert response.status_code == 403
    assert not PreviewLink.objects.exists()


def test_a_story_published_since_lists_its_links_to_revoke_and_shares_no_more(editor_client, draft):
    share(draft)
    Article.objects.filter(pk=draft.pk).update(
        status=Article.Status.PUBLISHED, publish_at=timezone.now() - timedelta(minutes=1)
    )

    page = soup(editor_client.get(previews_url(draft)))

    assert page.select_one("input[name=note]") is None
    assert [text(b) for b in page.select("#preview-link-list button")] == [
        "Revoke the link for Dr Ana Silva"
    ]


@pytest.mark.parametrize("count", [1, 3])
def test_sharing_page_queries_do_not_grow_with_links(
    editor_client, editor, draft, django_assert_num_queries, count
):
    for number in range(count):
        link, _ = share(draft, user=editor, note=f"Reader {number}")
        services.preview_link_revoke(link=link, user=editor)
        share(draft, user=factories.EditorFactory(), note=f"Colleague's reader {number}")
    editor_client.get(previews_url(draft))  # the admin's own per-process look-ups, once

    # The session and the user, the article, its links with who made and revoked them, and
    # the user's permissions (their own, their groups').
    with django_assert_num_queries(6):
        response = editor_client.get(previews_url(draft))

    assert response.status_code == 200
    assert len(soup(response).select("#preview-link-list tbody tr")) == 2 * count


def test_revoking_is_a_post(editor_client, draft):
    link, _ = share(draft)

    response = editor_client.get(
        reverse("admin:articles_article_preview_revoke", args=[draft.pk, link.pk])
    )

    assert response.status_code == 405
    assert PreviewLink.objects.get(pk=link.pk).revoked_at is None


# Real clients judge the page: the Nu HTML Checker, and axe-core in Chromium at each width.
# Last in the module: the seeded site stays in the database until the module ends.

_PREVIEW = {}


def seed_with_preview():
    """The demo seed, its story taken down, and a link to preview it (opened already)."""
    seed_import()
    story = Article.objects.get(slug=SLUG)
    services.article_unpublish(article=story)
    link, token = services.preview_link_create(
        article=story, expires_at=timezone.now() + timedelta(days=1), note="Page checks"
    )
    # Opening it records nothing then: the live server writes nothing during the checks.
    opened_just_now(link)
    _PREVIEW["url"] = reverse("articles:preview", args=[token])
    # An editor signed in, for the admin's "Share a preview" page.
    staff = Client()
    staff.force_login(factories.EditorFactory(username="page-checker"))
    _PREVIEW["session"] = staff.cookies[settings.SESSION_COOKIE_NAME].value
    _PREVIEW["admin"] = previews_url(story)


def screenshot(tab, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def overflowing(tab):
    """The elements reaching past the window's right edge (the page would scroll sideways)."""
    return tab.evaluate(
        """[...document.querySelectorAll("body *")]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth)
            .map(e => `${e.tagName.toLowerCase()}#${e.id}.${e.className}`)"""
    )


class TestPreviewPageChecked:
    @pytest.fixture(scope="class")
    @classmethod
    def site(cls, django_db_setup, django_db_blocker, tmp_path_factory):
        media = tmp_path_factory.mktemp("media")
        with live_site(django_db_blocker, media, seed_with_preview) as server:
            yield server

    @pytest.fixture
    def media_root(self):
        """Replaces conftest's folder per test: the live server serves the seeded photos."""
        return settings.MEDIA_ROOT

    @pytest.fixture(scope="class")
    @classmethod
    def browser(cls):
        with open_chromium() as browser:
            yield browser

    def test_preview_and_sharing_pages_have_no_html_errors(self, site, tmp_path):
        staff = Client()
        staff.cookies[settings.SESSION_COOKIE_NAME] = _PREVIEW["session"]
        pages = {
            "preview": Client().get(_PREVIEW["url"]),
            "sharing": staff.get(_PREVIEW["admin"]),
            "shared": staff.post(
                _PREVIEW["admin"], {"note": "Dr Ana Silva", "expires_at": expiry_field(2)}
            ),
        }
        for name, response in pages.items():
            assert response.status_code == 200, name
            (tmp_path / f"{name}.html").write_bytes(response.content)
        assert b'id="preview-link-url"' in pages["shared"].content

        errors = vnu_errors(sorted(tmp_path.glob("*.html")))

        assert not any(errors.values()), errors

    @pytest.mark.parametrize("width", WIDTHS)
    def test_preview_page_fits_and_has_no_accessibility_violations(self, site, browser, width):
        axe_script = installed(AXE_SCRIPT, NPM_HINT)
        tab = browser.new_page(viewport={"width": width, "height": 900})
        try:
            response = tab.goto(site.url + _PREVIEW["url"], wait_until="load")
            assert response.status == 200
            assert tab.is_visible(".preview-banner")
            screenshot(tab, f"preview-{width}")
            assert not overflowing(tab)

            violations = axe_violations(tab, axe_script)

            assert not violations, describe_violations(violations)
        finally:
            tab.close()

    @pytest.mark.parametrize("width", WIDTHS)
    def test_sharing_page_fits_and_has_no_accessibility_violations(self, site, browser, width):
        """The admin's page, with a link just made and shown."""
        axe_script = installed(AXE_SCRIPT, NPM_HINT)
        context = browser.new_context(viewport={"width": width, "height": 900})
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": _PREVIEW["session"], "url": site.url}]
        )
        tab = context.new_page()
        try:
            tab.goto(site.url + _PREVIEW["admin"], wait_until="load")
            tab.fill("#id_note", f"Reader at {width} px")
            tab.click("input[type=submit]")
            tab.wait_for_selector("#preview-link-url")
            screenshot(tab, f"preview-sharing-{width}")
            assert not overflowing(tab)

            violations = axe_violations(tab, axe_script)

            assert not violations, describe_violations(violations)
        finally:
            context.close()
