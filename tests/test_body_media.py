"""
Media in an article body: inline photos from the library, pull quotes, tables, and videos and
posts from other sites as placeholders that load nothing from those sites. The sanitiser is
the authority on what a body holds; the page shows each kind accessibly, in a counted number
of queries, and is stale when an inline photo changes.
"""

import json
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from articles import html, services
from articles.html import embeds
from articles.models import LiveEntry
from tests import factories

YOUTUBE = "https://www.youtube.com/watch?v=aqz-KE-bpKQ"
VIMEO = "https://vimeo.com/76979871"
BLUESKY = "https://bsky.app/profile/example.com/post/3kabcdefghijk"


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def text(element):
    return " ".join(element.get_text().split())


# The sanitiser.


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        # An inline photo: its number only, its caption as text on one line.
        (
            '<figure data-photo="12" class="x" onclick="steal()"><figcaption>A <b>bold</b>\n'
            "caption &amp; more</figcaption></figure>",
            '<figure data-photo="12"><figcaption>A bold caption &amp; more</figcaption></figure>',
        ),
        ('<figure data-photo="007"></figure>', '<figure data-photo="7"></figure>'),
        # Not a photo's number: the figure shows nothing, so it goes, caption and all.
        ('<figure data-photo="1 OR 1=1"><figcaption>x</figcaption></figure>', ""),
        ('<figure data-photo="-3"></figure><p>a</p>', "<p>a</p>"),
        ('<figure data-photo="0"></figure><p>a</p>', "<p>a</p>"),
        ('<figure data-photo="١٢"></figure><p>a</p>', "<p>a</p>"),
        ("<figure><img src=x onerror=alert(1)><figcaption>Pasted</figcaption></figure>", ""),
        # Only what it shows and its first caption are kept; a figure in it goes.
        (
            '<figure data-photo="1"><img src="https://elsewhere.example/a.jpg"><p>Text</p>'
            '<figure data-photo="2"></figure><figcaption>One</figcaption>'
            "<figcaption>Two</figcaption></figure>",
            '<figure data-photo="1"><figcaption>One</figcaption></figure>',
        ),
        (
            f'<figure data-photo="1" data-embed="{YOUTUBE}"></figure>',
            '<figure data-photo="1"></figure>',
        ),
        (
            "<figure data-photo=1><figcaption><script>alert(1)</script></figcaption></figure>",
            '<figure data-photo="1"></figure>',
        ),
        # Embeds: a recognised address, written one way; any other goes.
        (
            '<figure data-embed="https://youtu.be/aqz-KE-bpKQ?si=tracking"></figure>',
            f'<figure data-embed="{YOUTUBE}"></figure>',
        ),
        ('<figure data-embed="javascript:alert(1)"><figcaption>x</figcaption></figure>', ""),
        ('<figure data-embed="https://evil.example/watch?v=aqz-KE-bpKQ"></figure>', ""),
        ('<figure data-embed="https://www.youtube.com.evil.example/watch?v=aqz-KE-bpKQ">', ""),
        (
            '<figure data-embed="https://www.youtube.com/watch?v=aqz-KE-bpKQ" '
            'data-src="https://evil.example/" style="x"></figure>',
            f'<figure data-embed="{YOUTUBE}"></figure>',
        ),
        ("<iframe src='https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ'></iframe>", ""),
        # Figures stand in the body itself: inside a quote or a list one goes whole.
        (
            '<blockquote><p>q</p><figure data-photo="1"><figcaption>gone</figcaption></figure>'
            "</blockquote>",
            "<blockquote><p>q</p></blockquote>",
        ),
        (
            '<ul><li>x<figure data-photo="1"><figcaption>gone</figcaption></figure></li></ul>',
            "<ul><li>x</li></ul>",
        ),
        (
            '<p>a<figure data-photo="1">b</figure>c</p>',
            '<p>a</p>\n<figure data-photo="1"></figure>\n<p>c</p>\n<p></p>',
        ),
        # Pull quotes: that one class on a quote in the body; nested, a quote is a quote.
        (
            '<blockquote class="pull-quote other" style="x"><p>Said</p></blockquote>',
            '<blockquote class="pull-quote"><p>Said</p></blockquote>',
        ),
        (
            '<blockquote class="other"><p>Said</p></blockquote>',
            "<blockquote><p>Said</p></blockquote>",
        ),
        (
            '<blockquote><blockquote class="pull-quote"><p>n</p></blockquote></blockquote>',
            "<blockquote><blockquote><p>n</p></blockquote></blockquote>",
        ),
        # Tables, as the editor writes them: the header row is the head, cells scope their
        # column, paragraphs in a cell are lines, a span of 1 is no span.
        (
            '<table><tbody><tr><th colspan="1" rowspan="1"><p>Country</p></th><th><p>Aid</p>'
            '</th></tr><tr><td colspan="1" rowspan="1"><p>A</p><p>B</p></td><td><p>1</p></td>'
            "</tr></tbody></table>",
            '<table><thead><tr><th scope="col">Country</th><th scope="col">Aid</th></tr>'
            "</thead><tbody><tr><td>A<br>B</td><td>1</td></tr></tbody></table>",
        ),
        (
            '<table onclick="x()" class="y"><caption>Aid <em>pledged</em></caption>'
            '<tr><th scope="ROW" style="x">A</th><td colspan="999" data-x="1">1</td></tr>'
            '<tfoot><tr><td colspan="2">Total</td></tr></tfoot></table>',
            "<table><caption>Aid <em>pledged</em></caption><tbody>"
            '<tr><th scope="row">A</th><td>1</td></tr><tr><td colspan="2">Total</td></tr>'
            "</tbody></table>",
        ),
        # Rows padded to the widest; a row or a table with no cell goes.
        (
            "<table><tr><td>1</td><td>2</td><td>3</td></tr><tr><td>4</td></tr><tr></tr></table>",
            "<table><tbody><tr><td>1</td><td>2</td><td>3</td></tr>"
            "<tr><td>4</td><td></td><td></td></tr></tbody></table>",
        ),
        ("<table><caption>Empty</caption></table><p>a</p>", "<p>a</p>"),
        # In a quote, a table is its text.
        (
            "<blockquote><table><tr><td>t</td></tr></table></blockquote>",
            "<blockquote><p>t</p></blockquote>",
        ),
    ],
)
def test_sanitize_keeps_only_media_it_can_show(dirty, clean):
    assert html.sanitize(dirty) == clean


def test_a_live_update_holds_no_media():
    body = (
        '<p>a</p><figure data-photo="1"><figcaption>c</figcaption></figure>'
        '<blockquote class="pull-quote"><p>q</p></blockquote><table><tr><td>t</td></tr></table>'
    )

    assert html.sanitize(body, media=False) == (
        "<p>a</p>\n<p>c</p>\n<blockquote><p>q</p></blockquote>\n<p>t</p>"
    )
    assert html.disallowed_tags(body, media=False) == ["figcaption", "figure", "table", "td", "tr"]
    assert html.disallowed_tags(body) == []


def test_a_live_update_saved_keeps_text_only(db):
    entry = LiveEntry(
        article=factories.ArticleFactory(article_type="live"),
        title="Update",
        body='<p>a</p><figure data-photo="1"></figure>',
    )

    services.live_entry_save(entry=entry)

    assert LiveEntry.objects.get().body == "<p>a</p>"


@pytest.mark.parametrize(
    ("address", "provider", "kind", "url", "player"),
    [
        (
            YOUTUBE,
            "YouTube",
            "video",
            YOUTUBE,
            "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?autoplay=1",
        ),
        (
            "https://m.youtube.com/watch?v=aqz-KE-bpKQ&t=90s&feature=share",
            "YouTube",
            "video",
            f"{YOUTUBE}&t=90",
            "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?autoplay=1&start=90",
        ),
        (
            "https://www.youtube.com/shorts/aqz-KE-bpKQ",
            "YouTube",
            "video",
            YOUTUBE,
            "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?autoplay=1",
        ),
        (
            VIMEO,
            "Vimeo",
            "video",
            VIMEO,
            "https://player.vimeo.com/video/76979871?autoplay=1&dnt=1",
        ),
        (
            "https://player.vimeo.com/video/76979871?h=abcdef1234",
            "Vimeo",
            "video",
            f"{VIMEO}/abcdef1234",
            "https://player.vimeo.com/video/76979871?autoplay=1&dnt=1&h=abcdef1234",
        ),
        (
            "https://twitter.com/NATO/status/1842?s=20",
            "X",
            "post",
            "https://x.com/NATO/status/1842",
            "",
        ),
        (
            "https://www.instagram.com/reel/C1x_y-z/",
            "Instagram",
            "post",
            "https://www.instagram.com/reel/C1x_y-z/",
            "",
        ),
        (BLUESKY.replace("example", "Example"), "Bluesky", "post", BLUESKY, ""),
        (
            "https://mastodon.social/@Gargron/1",
            "Mastodon",
            "post",
            "https://mastodon.social/@Gargron/1",
            "",
        ),
    ],
)
def test_embeds_recognise_videos_and_posts(address, provider, kind, url, player):
    embed = embeds.embed_for(address)

    assert (embed.provider, embed.kind, embed.url, embed.player_url) == (
        provider,
        kind,
        url,
        player,
    )


@pytest.mark.parametrize(
    "address",
    [
        "",
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://www.youtube.com/watch?v=aqz-KE-bpKQ",
        "https://evil.example/www.youtube.com/watch?v=aqz-KE-bpKQ",
        "https://www.youtube.com.evil.example/watch?v=aqz-KE-bpKQ",
        "https://www.youtube.com@evil.example/watch?v=aqz-KE-bpKQ",
        "https://www.youtube.com:8080/watch?v=aqz-KE-bpKQ",
        "https://www.youtube.com/watch?v=short",
        'https://www.youtube.com/watch?v=aqz-KE-bpKQ"><script>',
        "https://www.youtube.com/@channel",
        "https://vimeo.com/channels/staffpicks",
        "https://x.com/NATO",
        "https://bsky.app/profile/example.com",
        "https://mastodon.example/@someone/1",
        "https://www.instagram.com/nato/",
    ],
)
def test_embeds_refuse_anything_else(address):
    assert embeds.embed_for(address) is None


MEDIA_FRAGMENTS = [
    "<p>",
    "</p>",
    "<blockquote>",
    '<blockquote class="pull-quote">',
    "</blockquote>",
    "<ul>",
    "<li>",
    "</ul>",
    "<em>",
    "</em>",
    '<figure data-photo="12">',
    '<figure data-photo="x">',
    f'<figure data-embed="{YOUTUBE}">',
    '<figure data-embed="https://evil.example/">',
    '<figure data-embed="javascript:alert(1)">',
    "<figure>",
    "</figure>",
    "<figcaption>",
    "</figcaption>",
    "<table>",
    "</table>",
    "<caption>",
    "<thead>",
    "<tbody>",
    "<tfoot>",
    "<tr>",
    "</tr>",
    '<th scope="col">',
    "<th>",
    '<td colspan="2" rowspan="3">',
    "<td>",
    "</td>",
    '<img src=x onerror="alert(1)">',
    "<script>alert(1)</script>",
    '<a href="javascript:alert(1)">',
    '<a href="https://example.org/">',
    "</a>",
    "\n\n",
    " ",
    "text",
    "&amp;",
]

# What the body may keep of each element's attributes, and the values each may have.
KEPT = {
    ("a", "href"): lambda value: urlsplit(value).scheme in ("http", "https", "mailto"),
    ("a", "title"): lambda value: True,
    ("figure", "data-photo"): lambda value: value.isascii() and value.isdigit(),
    ("figure", "data-embed"): lambda value: embeds.embed_for(value) is not None,
    ("blockquote", "class"): lambda value: value == "pull-quote",
    ("th", "scope"): lambda value: value in ("col", "row"),
    ("th", "colspan"): lambda value: 2 <= int(value) <= 50,
    ("td", "colspan"): lambda value: 2 <= int(value) <= 50,
    ("th", "rowspan"): lambda value: 2 <= int(value) <= 50,
    ("td", "rowspan"): lambda value: 2 <= int(value) <= 50,
}


class _Attributes(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.extend((tag, name, value) for name, value in attrs)


def attributes_of(markup):
    parser = _Attributes()
    parser.feed(markup)
    parser.close()
    return parser.found


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(MEDIA_FRAGMENTS), st.text(max_size=5)), max_size=40))
def test_sanitize_with_media_is_stable_and_keeps_only_what_it_allows(parts):
    value = "".join(parts)

    once = html.sanitize(value)

    assert html.sanitize(once) == once
    assert html.disallowed_tags(once) == []
    assert "\n".join(markup for _, markup in html.split_blocks(once)) == once
    for tag, name, value in attributes_of(once):
        assert (tag, name) in KEPT and KEPT[tag, name](value), (tag, name, value)
    # The page's blocks read the same body: every figure shows a photo or an embed.
    blocks = html.blocks_with_ad_slots(once, first_after=1, every=2, min_paragraphs=1)
    assert all(block.photo_id or block.embed for block in blocks if block.tag == "figure")


# The article page.


def media_body(photo_ids, *, embed=YOUTUBE):
    figures = "".join(
        f'<figure data-photo="{pk}"><figcaption>Use {pk}</figcaption></figure>' for pk in photo_ids
    )
    return (
        "<p>One.</p>"
        f"{figures}"
        '<blockquote class="pull-quote"><p>A pulled quote.</p></blockquote>'
        "<table><caption>Aid pledged</caption><tr><th>Country</th><th>Aid</th></tr>"
        "<tr><td>A</td><td>1</td></tr></table>"
        f'<figure data-embed="{embed}"><figcaption>The summit</figcaption></figure>'
        "<p>Two.</p>"
    )


@pytest.fixture
def photo(db):
    return factories.PhotoFactory(
        alt_text="Ministers at a table", caption="The photo's own caption.", credit_line="AP"
    )


@pytest.mark.django_db
def test_an_inline_photo_is_the_library_photo_with_its_caption_and_credit(client, photo):
    other = factories.PhotoFactory(caption="Own caption", credit_line="Reuters")
    article = factories.ArticleFactory(
        lead_photo=None,
        body=f'<p>One.</p><figure data-photo="{photo.pk}"><figcaption>This article’s caption'
        f'</figcaption></figure><figure data-photo="{other.pk}"></figure>',
    )

    figures = soup(client.get(article.get_absolute_url())).select(".article-body figure")

    assert [
        (
            figure.img["alt"],
            text(figure.select_one(".caption")),
            text(figure.select_one(".credit")),
        )
        for figure in figures
    ] == [
        ("Ministers at a table", "This article’s caption", "AP"),
        (other.alt_text, "Own caption", "Reuters"),
    ]
    # Responsive renditions, never the uploaded original; lazy, below the headline.
    image = figures[0].img
    assert image["loading"] == "lazy" and image["srcset"] and image["sizes"]
    assert figures[0].select_one("source[type='image/webp']")["srcset"]
    assert photo.image.url not in str(figures[0])


@pytest.mark.django_db
def test_an_inline_photo_gone_or_without_renditions_shows_nothing(client):
    waiting = factories.PhotoFactory(make_renditions=False)
    gone = factories.PhotoFactory()
    gone_pk = gone.pk
    services.photo_delete(photo=gone)
    article = factories.ArticleFactory(
        lead_photo=None,
        body=f'<p>One.</p><figure data-photo="{waiting.pk}"><figcaption>Waiting</figcaption>'
        f'</figure><figure data-photo="{gone_pk}"><figcaption>Gone</figcaption></figure>'
        '<figure data-photo="999999"></figure><p>Two.</p>',
    )

    body = soup(client.get(article.get_absolute_url())).select_one(".article-body")

    assert body.select("figure") == []
    assert [text(p) for p in body.select("p")] == ["One.", "Two."]


@pytest.mark.django_db
def test_pull_quotes_and_tables_are_shown_accessibly(client):
    article = factories.ArticleFactory(lead_photo=None, body=media_body([]))
    untitled = factories.ArticleFactory(
        lead_photo=None, body="<table><tr><td>1</td></tr></table><table><tr><td>2</td></tr></table>"
    )

    body = soup(client.get(article.get_absolute_url())).select_one(".article-body")
    others = soup(client.get(untitled.get_absolute_url())).select(".article-body .table-scroll")

    assert text(body.select_one("blockquote.pull-quote")) == "A pulled quote."
    region = body.select_one(".table-scroll")
    assert (region["role"], region["tabindex"], region["aria-label"]) == (
        "region",
        "0",
        "Aid pledged",
    )
    assert [th["scope"] for th in region.select("thead th")] == ["col", "col"]
    assert text(region.table.caption) == "Aid pledged"
    # Without a caption, each table's region is named by its place: names stay unique.
    assert [region["aria-label"] for region in others] == ["Table 1", "Table 2"]


def third_party_addresses(page):
    """Every address the page would load by itself: not links, which wait for a click."""
    loaded = []
    for element in page.find_all(True):
        for name in ("src", "srcset", "data", "poster"):
            if element.get(name):
                loaded.extend(part.split()[0] for part in element[name].split(","))
        if element.name == "link" and element.get("href"):
            loaded.append(element["href"])
    return [address for address in loaded if urlsplit(address).netloc not in ("", "testserver")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("address", "label", "link"),
    [
        (YOUTUBE, "Load video from YouTube", "Watch on YouTube"),
        (VIMEO, "Load video from Vimeo", "Watch on Vimeo"),
    ],
)
def test_a_video_is_a_placeholder_until_the_reader_asks(client, address, label, link):
    article = factories.ArticleFactory(lead_photo=None, body=media_body([], embed=address))

    page = soup(client.get(article.get_absolute_url()))

    figure = page.select_one(".article-body figure.embed")
    button = figure.select_one("button.embed-load")
    assert (text(button), button.has_attr("hidden"), button["type"]) == (label, True, "button")
    assert text(figure.select_one("a")) == link
    assert figure.select_one("a")["href"] == embeds.embed_for(address).url
    assert figure["data-player"] == embeds.embed_for(address).player_url
    assert "shares data about your visit" in text(figure.select_one(".embed-note"))
    assert text(figure.figcaption) == "The summit"
    # Nothing from the video's site (no frame, image or script) until then.
    assert not page.select("iframe, object, embed")
    assert third_party_addresses(page) == []
    assert page.find("script", src=lambda src: src and src.endswith("articles/embeds.js"))


@pytest.mark.django_db
def test_a_post_is_a_link_out(client):
    article = factories.ArticleFactory(lead_photo=None, body=media_body([], embed=BLUESKY))

    page = soup(client.get(article.get_absolute_url()))

    figure = page.select_one(".article-body figure.embed")
    assert figure.select("button") == []
    assert not figure.has_attr("data-player")
    assert text(figure.select_one(".embed-note")).startswith("A post by @example.com on Bluesky.")
    assert (text(figure.a), figure.a["href"]) == ("View the post on Bluesky", BLUESKY)
    assert third_party_addresses(page) == []
    # No video: the page loads no script for one.
    assert not page.find("script", src=lambda src: src and src.endswith("articles/embeds.js"))


@pytest.mark.django_db
def test_the_policy_allows_the_two_players_as_frames_and_nothing_more(client):
    response = client.get(factories.ArticleFactory().get_absolute_url())

    policy = dict(
        (name, sources)
        for name, *sources in (
            part.split() for part in response["Content-Security-Policy"].split(";")
        )
    )

    assert policy["frame-src"] == ["'self'", *embeds.FRAME_ORIGINS]
    assert policy["script-src"][0] == "'self'" and "'unsafe-inline'" not in policy["script-src"]
    assert policy["img-src"] == ["'self'", "data:"]


# A reader who misses the page cache after a change also costs the lookup of the next
# scheduled publication (made once per content version).
PAGE_CACHE_MISS = 1


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 3])
def test_article_page_queries_do_not_grow_with_inline_photos(
    client, django_assert_num_queries, count
):
    photos = [factories.PhotoFactory() for _ in range(count)]
    article = factories.ArticleFactory(
        lead_photo=factories.PhotoFactory(), body=media_body([photo.pk for photo in photos])
    )
    # article, bylines, tags, related links, corrections, navigation sections, banner, and the
    # inline photos: one query for all of them (test_views counts the page without them)
    with django_assert_num_queries(8 + PAGE_CACHE_MISS):
        response = client.get(article.get_absolute_url())

    assert len(soup(response).select(".article-body figure.figure")) == count


@pytest.mark.django_db
def test_a_body_without_inline_photos_costs_no_query_for_them(client):
    article = factories.ArticleFactory(lead_photo=None, body=media_body([]))

    with CaptureQueriesContext(connection) as queries:
        client.get(article.get_absolute_url())

    assert not [query for query in queries if 'FROM "articles_photo"' in query["sql"]]


def keys(response):
    return set(response["Surrogate-Key"].split())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [("caption", "A new caption.", ".caption"), ("credit_line", "AP / Pool", ".credit")],
)
def test_changing_an_inline_photo_makes_the_article_page_stale(
    photo, committed, field, value, shown
):
    # The photo's own caption: the figure gives none of its own.
    article = factories.ArticleFactory(
        lead_photo=None, body=f'<p>One.</p><figure data-photo="{photo.pk}"></figure>'
    )
    other = factories.ArticleFactory(lead_photo=None)
    url, other_url = article.get_absolute_url(), other.get_absolute_url()
    first = Client().get(url)
    Client().get(other_url)
    assert f"p{photo.pk}" in keys(first)
    assert text(soup(first).select_one(f".article-body {shown}")) != value
    assert (Client().get(url)["X-Cache"], Client().get(other_url)["X-Cache"]) == ("HIT", "HIT")

    with committed():
        setattr(photo, field, value)
        services.photo_save(photo=photo, fields=[field])

    again = Client().get(url)
    assert (again["X-Cache"], Client().get(other_url)["X-Cache"]) == ("MISS", "HIT")
    assert text(soup(again).select_one(f".article-body {shown}")) == value


@pytest.mark.django_db
def test_the_body_editor_offers_media_and_loads_its_nodes(editor_client):
    page = BeautifulSoup(
        editor_client.get(reverse("admin:articles_article_add")).content, "html.parser"
    )

    config = json.loads(
        page.select_one("textarea[name=body]")["data-django-prose-editor-configurable"]
    )
    assert {"BodyPhoto", "BodyEmbed", "BodyTable", "NodeClass"} <= set(config["extensions"])
    assert config["js_modules"] == ["/static/articles/body-editor.js"]
    assert config["extensions"]["BodyPhoto"]["libraryUrl"] == reverse(
        "admin:articles_photo_changelist"
    )
