from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles import services, views
from articles.models import Article, Byline, RelatedLink
from tests import factories
from tests.helpers import HIDDEN_STATES

pytestmark = pytest.mark.django_db


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def text(element):
    return " ".join(element.get_text().split())


@contextmanager
def override_per_page(count):
    """List views read their page size when the module loads: patch the class attribute."""
    with mock.patch.object(views.PublishedArticlesMixin, "paginate_by", count):
        yield


@pytest.fixture
def article():
    author = factories.AuthorFactory(name="Angela Skujins", slug="angela-skujins")
    photo = factories.PhotoFactory(caption="A caption.", credit_line="Credit Line")
    article = factories.ArticleFactory(
        headline="A visible story", lead_photo=photo, tags=["Ukraine"]
    )
    Byline.objects.create(article=article, author=author, position=0)
    return article


def test_article_page_shows_the_story(client, article):
    response = client.get(article.get_absolute_url())

    page = soup(response)
    assert response.status_code == 200
    assert text(page.h1) == "A visible story"
    figure = page.select_one("article figure")
    assert figure.img["alt"] == article.lead_photo.alt_text
    assert figure.img.get("loading") is None  # the lead image is never lazy
    assert text(figure.figcaption) == "A caption. Credit Line"
    assert text(page.select_one(".byline")) == "By Angela Skujins"
    assert page.select_one(".dates time")["datetime"] == article.published_at.isoformat(
        timespec="seconds"
    )
    assert [text(a) for a in page.select(".tags a")] == ["Ukraine"]
    assert page.select_one(".ad-slot .ad-label").get_text() == "Advertisement"
    assert page.find("link", rel="canonical")["href"].endswith(article.get_absolute_url())


def test_ad_slot_stands_between_body_paragraphs(client, article):
    page = soup(client.get(article.get_absolute_url()))

    slot = page.select_one(".article-body .ad-slot")

    assert slot.find_previous_sibling().name == "p"
    assert slot.find_next_sibling().name == "p"


def test_article_page_shows_updated_time_only_when_later(client, article, committed):
    url = article.get_absolute_url()
    assert "Updated" not in text(soup(client.get(url)).select_one(".dates"))

    with committed():
        services.article_save(article=article, substantive=True)

    times = soup(client.get(url)).select(".dates time")
    assert [t["datetime"] for t in times] == [
        article.published_at.isoformat(timespec="seconds"),
        article.last_updated_at.isoformat(timespec="seconds"),
    ]


@pytest.mark.parametrize(
    "url_name", ["home", "section-detail", "author-detail", "tag-detail", "article-detail"]
)
def test_every_page_type_renders_for_readers(client, article, url_name):
    kwargs = {
        "home": {},
        "section-detail": {"slug": article.section.slug},
        "author-detail": {"slug": "angela-skujins"},
        "tag-detail": {"slug": "ukraine"},
        "article-detail": {"slug": article.slug},
    }[url_name]

    response = client.get(reverse(f"articles:{url_name}", kwargs=kwargs))

    assert response.status_code == 200
    page = soup(response)
    assert page.html["lang"]
    assert page.select_one("a.skip-link")["href"] == "#content"
    assert "A visible story" in text(page.main)


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_unpublished_article_is_hidden_from_readers_everywhere(client, article, state):
    hidden = factories.ArticleFactory(
        headline="Secret story", slug="secret", tags=["Ukraine"], **HIDDEN_STATES[state]
    )
    Byline.objects.create(article=hidden, author=article.bylines.get().author, position=0)
    RelatedLink.objects.create(article=article, target=hidden, position=0)
    # The data that could leak is there: the same lists show the published story.
    pages = [
        reverse("articles:home"),
        article.section.get_absolute_url(),
        reverse("articles:author-detail", kwargs={"slug": "angela-skujins"}),
        reverse("articles:tag-detail", kwargs={"slug": "ukraine"}),
        article.get_absolute_url(),
    ]

    for url in pages:
        response = client.get(url)
        assert "A visible story" in response.content.decode(), url
        assert "Secret story" not in response.content.decode(), url
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_tag_used_only_on_unpublished_articles_is_not_public(client):
    factories.ArticleFactory(draft=True, tags=["Embargoed merger"])

    assert (
        client.get(reverse("articles:tag-detail", kwargs={"slug": "embargoed-merger"})).status_code
        == 404
    )


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_staff_preview_unpublished_article_never_cached(editor_client, state):
    hidden = factories.ArticleFactory(headline="Work in progress", **HIDDEN_STATES[state])

    response = editor_client.get(hidden.get_absolute_url())

    assert response.status_code == 200
    page = soup(response)
    assert text(page.h1) == "Work in progress"
    assert "Preview" in text(page.select_one(".preview-banner"))
    assert "no-cache" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_staff_without_article_permission_cannot_preview(client):
    hidden = factories.ArticleFactory(draft=True)
    client.force_login(factories.UserFactory(is_staff=True))

    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_published_article_is_not_marked_as_preview_for_staff(editor_client, article):
    response = editor_client.get(article.get_absolute_url())

    assert soup(response).select_one(".preview-banner") is None
    assert "X-Robots-Tag" not in response


def test_related_links_show_articles_and_external_pages_in_order(client, article):
    other = factories.ArticleFactory(headline="Other story")
    RelatedLink.objects.create(
        article=article, url="https://example.org/report", title="External report", position=2
    )
    RelatedLink.objects.create(article=article, target=other, position=1)

    links = soup(client.get(article.get_absolute_url())).select(".related li a")

    assert [(text(a), a["href"]) for a in links] == [
        ("Other story", other.get_absolute_url()),
        ("External report", "https://example.org/report"),
    ]


def test_home_groups_latest_stories_by_section(client):
    world = factories.SectionFactory(name="World", slug="world", order=1)
    business = factories.SectionFactory(name="Business", slug="business", order=2)
    now = timezone.now()
    factories.ArticleFactory(
        headline="Lead", section=business, publish_at=now - timedelta(minutes=1)
    )
    factories.ArticleFactory(
        headline="Markets", section=business, publish_at=now - timedelta(hours=2)
    )
    factories.ArticleFactory(headline="Summit", section=world, publish_at=now - timedelta(hours=3))

    page = soup(client.get("/"))

    assert text(page.select_one(".lead-story h2")) == "Lead"
    rails = [
        (text(rail.h2), [text(h) for h in rail.select(".card-headline")])
        for rail in page.select(".rail")
    ]
    assert rails == [("World", ["Summit"]), ("Business", ["Markets"])]


def test_section_list_is_paginated(client, settings):
    section = factories.SectionFactory(slug="world", name="World")
    factories.ArticleFactory.create_batch(25, section=section)

    first = soup(client.get(section.get_absolute_url()))
    second = client.get(section.get_absolute_url() + "?page=2")

    assert len(first.select(".card")) == 20
    assert len(soup(second).select(".card")) == 5
    assert first.select_one('a[rel="next"]')["href"] == "?page=2"
    assert client.get(section.get_absolute_url() + "?page=9").status_code == 404


def test_missing_page_is_friendly(client):
    response = client.get("/articles/no-such-story/")

    assert response.status_code == 404
    assert text(soup(response).h1) == "We can’t find that page"


def test_server_error_page_renders_without_a_request():
    page = BeautifulSoup(render_to_string("500.html"), "html.parser")

    assert text(page.h1) == "Sorry, something went wrong on our side"


# A reader who misses the page cache after a change also costs the lookup of the next
# scheduled publication (made once per content version); a hit costs no query at all.
PAGE_CACHE_MISS = 1


@pytest.mark.parametrize("count", [1, 3])
def test_article_page_queries_do_not_grow_with_related_items(
    client, django_assert_num_queries, count
):
    article = factories.ArticleFactory(lead_photo=factories.PhotoFactory())
    for position in range(count):
        factories.BylineFactory(article=article, position=position)
        factories.BylineFactory(
            article=article, author=None, agency=factories.AgencyFactory(), position=10 + position
        )
        factories.RelatedLinkFactory(article=article, position=position)
        article.tags.add(f"tag {position}")
    # article, bylines, tags, related links, corrections, navigation sections, banner
    with django_assert_num_queries(7 + PAGE_CACHE_MISS):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 3])
def test_home_page_queries_do_not_grow_with_stories(client, django_assert_num_queries, count):
    for index in range(count):
        section = factories.SectionFactory(slug=f"s{index}", name=f"S{index}")
        for _ in range(count):
            article = factories.ArticleFactory(section=section, lead_photo=factories.PhotoFactory())
            factories.BylineFactory(article=article)
            factories.BylineFactory(article=article)
    # The newest story leads; the others fill the rails.
    factories.ArticleFactory(headline="The lead")
    # The front (the stories pinned to it, the other stories' ids and sections, then the
    # rails' sections), the navigation sections and the breaking-news banner; the lead's card
    # and the rails' cards: each their articles (with sections and photos) and bylines.
    with django_assert_num_queries(9 + PAGE_CACHE_MISS):
        response = client.get("/")
    assert response.status_code == 200
    assert len(soup(response).select(".card")) == count * count + 1


# Every list page: its own object (if any), then count, ids of the page, the page's articles
# (with sections and photos), their bylines, and the site's chrome: the navigation sections
# and the breaking-news banner.
LIST_PAGE_QUERIES = {
    # A section's page also reads the stories pinned to it, which lead its list.
    "section": 8,
    "author": 7,
    "agency": 7,
    # The tag is found among the public ones (those of a published article) in one query.
    "tag": 7,
    # Date archives: whether the period has stories, its months (or days), the neighbouring
    # periods with stories, instead of an object.
    "archive-year": 10,
    "archive-month": 10,
    # The archive index lists months only.
    "archive": 3,
    "search": 6,
}


@pytest.mark.parametrize("count", [1, 3])
@pytest.mark.parametrize("page", LIST_PAGE_QUERIES)
def test_list_page_queries_do_not_grow_with_stories(client, django_assert_num_queries, count, page):
    section = factories.SectionFactory(slug="world", name="World")
    author = factories.AuthorFactory(slug="writer")
    agency = factories.AgencyFactory(slug="wire")
    published = timezone.now().replace(day=1) - timedelta(days=40)
    for index in range(count):
        article = factories.ArticleFactory(
            section=section,
            tags=["nato"],
            lead_photo=factories.PhotoFactory(),
            headline=f"Ukraine story {index}",
            publish_at=published + timedelta(days=index),
        )
        factories.BylineFactory(article=article, author=author)
        factories.BylineFactory(article=article, author=None, agency=agency)
    url = {
        "section": section.get_absolute_url(),
        "author": author.get_absolute_url(),
        "agency": agency.get_absolute_url(),
        "tag": reverse("articles:tag-detail", kwargs={"slug": "nato"}),
        "archive-year": reverse("articles:archive-year", kwargs={"year": f"{published:%Y}"}),
        "archive-month": reverse(
            "articles:archive-month", kwargs={"year": f"{published:%Y}", "month": f"{published:%m}"}
        ),
        "archive": reverse("articles:archive"),
        "search": reverse("articles:search") + "?q=ukraine",
    }[page]

    search_indexed()
    # Search results are never cached (any query string would fill the cache), but the site's
    # header and footer on them are kept built, which costs the same lookup.
    with django_assert_num_queries(LIST_PAGE_QUERIES[page] + PAGE_CACHE_MISS):
        response = client.get(url)

    assert response.status_code == 200
    if page != "archive":
        assert len(soup(response).select(".card")) == count


def test_list_pages_name_their_canonical_page(client):
    section = factories.SectionFactory(slug="world", name="World")
    factories.ArticleFactory.create_batch(21, section=section)

    first = soup(client.get("/sections/world/?page=1")).find("link", rel="canonical")["href"]
    second = soup(client.get("/sections/world/?page=2")).find("link", rel="canonical")["href"]

    assert (first, second) == (
        "http://testserver/sections/world/",
        "http://testserver/sections/world/?page=2",
    )


def test_author_page_shows_portrait_job_title_and_bio(client):
    portrait = factories.PhotoFactory(alt_text="Angela Skujins")
    author = factories.AuthorFactory(
        name="Angela Skujins", job_title="Reporter", bio="Covers NATO.", portrait=portrait
    )

    page = soup(client.get(author.get_absolute_url()))

    assert page.select_one(".author-header img")["alt"] == "Angela Skujins"
    assert text(page.select_one(".job-title")) == "Reporter"
    assert text(page.select_one(".bio")) == "Covers NATO."
    assert page.find("meta", attrs={"name": "description"})["content"] == "Covers NATO."


@pytest.mark.parametrize("name", ["Zürich", "Україна", "NATO summit"])
def test_tags_in_any_script_have_working_pages(client, name):
    article = factories.ArticleFactory(headline="Tagged story", tags=[name])

    page = soup(client.get(article.get_absolute_url()))
    tag_url = page.select_one(".tags a")["href"]
    tag_page = client.get(tag_url)

    assert text(page.select_one(".tags a")) == name
    assert tag_page.status_code == 200
    assert "Tagged story" in text(soup(tag_page).main)


def test_tag_without_a_slug_is_shown_without_a_link(client):
    article = factories.ArticleFactory(tags=["NATO"])
    Tag.objects.filter(name="NATO").update(slug="")

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert soup(response).select_one(".tags li").a is None


def test_agency_page_lists_the_agency_stories(client):
    agency = factories.AgencyFactory(name="The Associated Press", short_name="AP", slug="ap")
    wire = factories.ArticleFactory(headline="With the wire")
    factories.BylineFactory(article=wire, author=None, agency=agency)
    factories.ArticleFactory(headline="Staff only")

    page = soup(client.get("/agencies/ap/"))

    assert text(page.h1) == "The Associated Press"
    assert [text(h) for h in page.select(".card-headline")] == ["With the wire"]


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_agency_page_hides_unpublished_stories(client, state):
    agency = factories.AgencyFactory(slug="ap")
    hidden = factories.ArticleFactory(headline="Hidden", **HIDDEN_STATES[state])
    factories.BylineFactory(article=hidden, author=None, agency=agency)

    response = client.get("/agencies/ap/")

    assert response.status_code == 200
    assert "Hidden" not in response.content.decode()


def test_archive_lists_months_with_stories_and_links_them(client):
    factories.ArticleFactory(publish_at=datetime(2024, 10, 17, 12, tzinfo=UTC))
    factories.ArticleFactory(publish_at=datetime(2024, 3, 2, 9, tzinfo=UTC))
    factories.ArticleFactory(
        publish_at=datetime(2023, 5, 1, tzinfo=UTC), status=Article.Status.DRAFT
    )

    page = soup(client.get("/archive/"))

    assert [a["href"] for a in page.select(".archive-months a")] == [
        "/archive/2024/10/",
        "/archive/2024/03/",
    ]


def test_month_archive_lists_that_month_only(client):
    october = datetime(2024, 10, 17, 12, tzinfo=UTC)
    factories.ArticleFactory(headline="October story", publish_at=october)
    factories.ArticleFactory(headline="September story", publish_at=october - timedelta(days=30))

    page = soup(client.get("/archive/2024/10/"))

    assert text(page.h1) == "Stories of October 2024"
    assert [text(h) for h in page.select(".card-headline")] == ["October story"]
    assert page.select_one(".archive-pager a[rel=prev]")["href"] == "/archive/2024/09/"


@pytest.mark.parametrize("url", ["/archive/2024/11/", "/archive/1999/", "/archive/2024/13/"])
def test_archive_of_a_period_without_stories_is_not_found(client, url):
    factories.ArticleFactory(publish_at=datetime(2024, 10, 17, tzinfo=UTC))
    factories.ArticleFactory(
        publish_at=datetime(2024, 11, 2, tzinfo=UTC),
        status=Article.Status.UNPUBLISHED,
    )

    assert client.get(url).status_code == 404


def search_indexed():
    """The search index as the write path's task keeps it: factories write around the path."""
    services.articles_search_index(article_ids=Article.objects.values_list("pk", flat=True))


def test_search_finds_words_in_headline_standfirst_and_body(client):
    factories.ArticleFactory(headline="Rutte in Kyiv", standfirst="")
    factories.ArticleFactory(headline="Other", standfirst="Rutte speaks in Brussels")
    factories.ArticleFactory(headline="Third", body="<p>Rutte said so.</p>")
    factories.ArticleFactory(headline="Unrelated")
    search_indexed()

    page = soup(client.get("/search/", {"q": "  rutte  "}))

    assert sorted(text(h) for h in page.select(".card-headline")) == [
        "Other",
        "Rutte in Kyiv",
        "Third",
    ]
    assert page.select_one("#search-page-q")["value"] == "rutte"
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex, follow"


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_search_never_finds_unpublished_stories(client, state):
    factories.ArticleFactory(headline="Visible secret story")
    factories.ArticleFactory(headline="Hidden secret story", **HIDDEN_STATES[state])
    search_indexed()

    page = soup(client.get("/search/", {"q": "secret"}))

    assert [text(h) for h in page.select(".card-headline")] == ["Visible secret story"]


@pytest.mark.parametrize("query", ["", "   ", "nothing-like-this"])
def test_search_without_matches_lists_nothing(client, query):
    factories.ArticleFactory(headline="A story")
    search_indexed()

    response = client.get("/search/", {"q": query})

    assert response.status_code == 200
    assert soup(response).select(".card") == []


def test_search_pages_keep_the_query(client, settings):
    factories.ArticleFactory.create_batch(3, headline="Ukraine & NATO")
    search_indexed()

    with override_per_page(2):
        page = soup(client.get("/search/", {"q": "ukraine & nato"}))

    assert page.select_one(".pagination a[rel=next]")["href"] == "?q=ukraine%20%26%20nato&page=2"


def test_deep_list_pages_hold_the_same_stories_as_a_plain_paginator(client):
    from django.core.paginator import Paginator

    from articles.views import ListingPaginator

    factories.ArticleFactory.create_batch(7)
    articles = Article.objects.published().for_listing().latest_first()

    for number in (1, 2):
        expected = [article.pk for article in Paginator(articles, 3, orphans=1).page(number)]
        assert list(ListingPaginator(articles, 3, orphans=1).page(number)) == expected


def test_search_with_a_huge_or_odd_query_answers_calmly(client):
    factories.ArticleFactory(headline="A story")
    search_indexed()

    response = client.get("/search/", {"q": "%_\\'\"<script> " + "ukraine " * 2000})

    assert response.status_code == 200
    box = soup(response).select_one("#search-page-q")
    assert len(box["value"]) == 200
    assert b"<script>" not in response.content
