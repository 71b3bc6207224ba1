"""
Embargo as a hard gate: until its time, an embargoed story is on no output at all, whatever
its status and publish time; only lifting it, an editor's recorded action, brings it forward.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from articles import services
from articles.caching import seconds_until_next_publication
from articles.models import Article
from newsroom.audit.models import Action, AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db

SECRET = "Embargoed merger talks"


@pytest.fixture
def site():
    world = factories.SectionFactory(name="World", slug="world")
    writer = factories.AuthorFactory(name="Ana Writer", slug="ana-writer")
    agency = factories.AgencyFactory(name="Wire Agency", short_name="WA", slug="wire")
    embargoed = factories.ArticleFactory(
        headline=SECRET,
        slug="merger-talks",
        section=world,
        tags=["Mergers"],
        embargoed_until=timezone.now() + timedelta(hours=2),
        embargo_note="Agency embargo",
    )
    factories.BylineFactory(article=embargoed, author=writer)
    factories.BylineFactory(article=embargoed, author=None, agency=agency)
    public = factories.ArticleFactory(headline="Storm passes", slug="storm", section=world)
    factories.RelatedLinkFactory(article=public, target=embargoed, url="", title="")
    return {"embargoed": embargoed, "public": public}


OUTPUTS = [
    "/",
    "/sections/world/",
    "/authors/ana-writer/",
    "/agencies/wire/",
    "/archive/",
    "/search/?q=merger",
    "/feed/",
    "/feed/atom/",
    "/sections/world/feed/",
    "/authors/ana-writer/feed/",
    "/sitemap-articles.xml",
    "/sitemap-news.xml",
    "/articles/storm/",  # Its "Read more" link to the embargoed story.
]


def _archive_month(article):
    at = timezone.localtime(article.publish_at)
    return f"/archive/{at:%Y}/{at:%m}/"


def _outputs(site):
    return [*OUTPUTS, _archive_month(site["embargoed"])]


def _shows(url, text):
    response = Client().get(url)
    assert response.status_code in (200, 404), url
    return response.status_code == 200 and text in response.content.decode()


def test_an_embargoed_story_is_on_no_output(site):
    for url in _outputs(site):
        assert not _shows(url, SECRET), url
        assert not _shows(url, "merger-talks"), url
    assert Client().get("/articles/merger-talks/").status_code == 404
    # Nor its tag, which only it carries: a tag could give the story away.
    assert Client().get("/tags/mergers/").status_code == 404


def test_its_time_come_it_is_on_every_output(site, committed):
    # The embargo's time comes: no write is needed, and every list shows it.
    Article.objects.filter(pk=site["embargoed"].pk).update(
        embargoed_until=timezone.now() - timedelta(seconds=1)
    )
    # The archive's index lists months, not stories; search needs its index, made by a task.
    for url in [u for u in _outputs(site) if "search" not in u and u != "/archive/"]:
        assert _shows(url, SECRET) or _shows(url, "merger-talks"), url
    assert _shows("/articles/merger-talks/", SECRET)
    assert _shows("/tags/mergers/", SECRET)


def test_the_rule_is_one_on_rows_and_in_queries(site):
    story = site["embargoed"]
    assert story.is_embargoed and story.is_scheduled and not story.is_published
    assert list(Article.objects.published()) == [site["public"]]
    assert list(Article.objects.scheduled()) == [story]
    # Readers first see it when the embargo ends, not at its earlier publish time.
    assert story.goes_live_at == story.embargoed_until


def test_no_page_is_kept_past_the_embargo(site):
    left = seconds_until_next_publication(timezone.now())
    assert 0 < left <= 2 * 3600


@pytest.mark.parametrize("change", ["cleared", "earlier"])
def test_nobody_brings_an_embargo_forward_by_editing(site, change, editor):
    story = site["embargoed"]
    story.embargoed_until = None if change == "cleared" else timezone.now()
    with pytest.raises(ValidationError, match="under embargo") as refused:
        services.article_save(article=story, user=editor)
    assert "embargoed_until" in refused.value.message_dict
    # Not the system either (an import, the shell).
    with pytest.raises(ValidationError, match="under embargo"):
        services.article_save(article=story)
    story.refresh_from_db()
    assert story.is_embargoed


def test_an_embargo_may_be_extended_or_set(site, editor):
    story = site["embargoed"]
    story.embargoed_until += timedelta(days=1)
    services.article_save(article=story, user=editor)
    public = site["public"]
    public.embargoed_until = timezone.now() + timedelta(hours=1)
    services.article_save(article=public, user=editor)
    assert not Article.objects.published().exists()


def test_reporters_set_no_embargo():
    reporter = factories.ReporterFactory()
    draft = factories.ArticleFactory(draft=True, created_by=reporter)
    draft.embargoed_until = timezone.now() + timedelta(hours=1)
    with pytest.raises(PermissionDenied):
        services.article_save(article=draft, user=reporter)


def test_lifting_is_an_editors_recorded_action(site, editor, committed):
    story = site["embargoed"]
    with pytest.raises(PermissionDenied):
        services.article_lift_embargo(article=story, user=factories.ReporterFactory())

    with committed():
        services.article_lift_embargo(article=story, user=editor, reason="Agency lifted it")

    story.refresh_from_db()
    assert not story.is_embargoed and story.is_published
    assert story.embargo_note == "Agency embargo"
    entry = AuditEntry.objects.get(action=Action.LIFT_EMBARGO)
    assert entry.user == editor and "Agency lifted it" in entry.summary
    assert _shows("/", SECRET) and _shows("/articles/merger-talks/", SECRET)
    with pytest.raises(ValidationError, match="no embargo"):
        services.article_lift_embargo(article=story, user=editor)


def test_an_embargo_note_needs_a_time(editor):
    story = factories.ArticleFactory()
    story.embargo_note = "Journal embargo"
    with pytest.raises(ValidationError) as refused:
        services.article_save(article=story, user=editor)
    assert "embargo_note" in refused.value.message_dict


def test_the_admin_shows_the_embargo_and_lifts_it(site, editor_client, committed):
    story = site["embargoed"]
    listing = editor_client.get("/admin/articles/article/?workflow=embargoed").content.decode()
    assert "Embargoed until" in listing and SECRET in listing and "Storm passes" not in listing

    form = editor_client.get(f"/admin/articles/article/{story.pk}/change/").content.decode()
    assert "Under embargo until" in form and "Agency embargo" in form

    with committed():
        response = editor_client.post(
            "/admin/articles/article/",
            {"action": "lift_embargo_selected", "_selected_action": [story.pk]},
            follow=True,
        )
    assert "The embargo on 1 article was lifted." in response.content.decode()
    story.refresh_from_db()
    assert story.is_published
