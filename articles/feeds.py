"""
RSS 2.0 and Atom 1.0 feeds of the latest published articles, lead photos as Media RSS; and of
the latest corrections to them.
"""

import copy
from typing import NamedTuple

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from articles import caching, display, renditions, text
from articles.models import (
    Agency,
    Article,
    Author,
    Correction,
    LiveEntry,
    Section,
    live_key,
    public_tags,
)
from newsroom.site import absolute_url, site_host

FEED_ITEM_COUNT = 30
# Readers poll feeds often; a few minutes of shared caching spares the database.
MEDIA_RSS_NAMESPACE = "http://search.yahoo.com/mrss/"
# Feed readers show the picture large; no need to send them the photographer's full file.
FEED_IMAGE_WIDTH = 1280


class FeedImage(NamedTuple):
    url: str
    width: int
    height: int
    mime_type: str


def feed_image(photo):
    """
    The file a feed item shows for a photo: a large JPEG rendition; None until renditions are
    made (never the uploaded original, which keeps the camera's location).
    """
    rendition = renditions.photo_rendition(photo, "original", width=FEED_IMAGE_WIDTH)
    if rendition is None:
        return None
    return FeedImage(rendition.url, rendition.width, rendition.height, "image/jpeg")


def add_media_content(handler, media):
    """Write an item's image as Media RSS: the file, its alt text, caption and credit."""
    if not media:
        return
    attributes = {"url": media["url"], "type": media["mime_type"], "medium": "image"}
    if media["width"] and media["height"]:
        attributes.update(width=str(media["width"]), height=str(media["height"]))
    handler.startElement("media:content", attributes)
    # Media RSS has no element for alt text; its title is the closest, a plain-text label.
    handler.addQuickElement("media:title", media["alt_text"], {"type": "plain"})
    if media["caption"]:
        handler.addQuickElement("media:description", media["caption"], {"type": "plain"})
    if media["credit"]:
        handler.addQuickElement("media:credit", media["credit"])
    handler.endElement("media:content")


def _xml_safe(value):
    """`value` (text, or lists and dicts of it) without what XML 1.0 forbids."""
    if isinstance(value, str):
        return text.xml_safe(value)
    if isinstance(value, list | tuple):
        return type(value)(_xml_safe(part) for part in value)
    if isinstance(value, dict):
        return {key: _xml_safe(part) for key, part in value.items()}
    return value


class XmlSafeFeedMixin:
    """
    A feed whose text cannot break it: Django refuses to write a control character, and one
    stored before text was cleaned at the door must not take a feed down.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*_xml_safe(args), **_xml_safe(kwargs))

    def add_item(self, *args, **kwargs):
        super().add_item(*_xml_safe(args), **_xml_safe(kwargs))


class XmlSafeRssFeed(XmlSafeFeedMixin, Rss201rev2Feed):
    """RSS 2.0 that no stored text can break."""


class XmlSafeAtomFeed(XmlSafeFeedMixin, Atom1Feed):
    """Atom 1.0 that no stored text can break."""


class MediaRssFeed(XmlSafeRssFeed):
    """RSS 2.0 with each item's image as Media RSS."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:media": MEDIA_RSS_NAMESPACE}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        add_media_content(handler, item["media"])


class MediaAtomFeed(XmlSafeAtomFeed):
    """Atom 1.0 with each entry's image as Media RSS."""

    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": MEDIA_RSS_NAMESPACE}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        add_media_content(handler, item["media"])


class ArticleFeed(Feed):
    """The latest published articles of the whole site; subclasses narrow the selection."""

    feed_type = MediaRssFeed
    item_guid_is_permalink = False

    def __init__(self, feed_type=None):
        self.feed_type = feed_type or self.feed_type

    def __call__(self, request, *args, **kwargs):
        # The URLconf holds one instance for every request: bind this request to a copy, so
        # addresses use the host readers came to, as canonical links do, and not the
        # contrib.sites domain.
        feed = copy.copy(self)
        feed.request = request
        return super(ArticleFeed, feed).__call__(request, *args, **kwargs)

    def absolute(self, url):
        return absolute_url(url, self.request)

    def articles(self, obj):
        """The published articles this feed may list."""
        return Article.objects.published()

    def items(self, obj):
        return (
            self.articles(obj)
            .for_listing()
            .prefetch_related("tags")
            .latest_first()[:FEED_ITEM_COUNT]
        )

    def title(self, obj):
        return settings.NEWSROOM_SITE_NAME

    def link(self, obj):
        return self.absolute(reverse("articles:home"))

    def feed_url(self, obj):
        return self.absolute(self.request.path)

    def description(self, obj):
        return _("The latest stories from %(site)s.") % {"site": settings.NEWSROOM_SITE_NAME}

    def subtitle(self, obj):
        return self.description(obj)

    def author_name(self, obj):
        # Atom wants an author for the feed when an entry has none (an article with no byline).
        return settings.NEWSROOM_SITE_NAME

    def item_title(self, article):
        # Plain, unlike contrib's default: an Atom title is text, and RSS readers take it so.
        return article.headline

    def item_description(self, article):
        # Both formats read the description as HTML; ours is plain text.
        return escape(article.description_for_search)

    def item_link(self, article):
        return self.absolute(article.get_absolute_url())

    def item_guid(self, article):
        # A tag: URI on the article's id, not its address: a slug may change after publication,
        # and readers would show the story again under its new address.
        host = site_host(self.request)
        return f"tag:{host},{article.published_at:%Y-%m-%d}:article:{article.pk}"

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.updated_at or article.published_at

    def item_author_name(self, article):
        return display.byline_text(article.byline, lead_word=False) or None

    def item_categories(self, article):
        return [article.section.name, *(tag.name for tag in article.tags.all())]

    def item_extra_kwargs(self, article):
        photo = article.lead_photo
        image = feed_image(photo) if photo is not None else None
        if image is None:
            return {"media": None}
        return {
            "media": {
                "url": self.absolute(image.url),
                "width": image.width,
                "height": image.height,
                "mime_type": image.mime_type,
                "alt_text": photo.alt_text,
                "caption": article.lead_caption,
                "credit": photo.credit,
            }
        }


class SectionFeed(ArticleFeed):
    """The latest published articles filed in one section."""

    def get_object(self, request, slug):
        section = Section.objects.get(slug=slug)
        caching.page_shows_lists(request, caching.list_key_of(section))
        return section

    def articles(self, section):
        return super().articles(section).in_section(section)

    def title(self, section):
        return f"{section.name} – {settings.NEWSROOM_SITE_NAME}"

    def link(self, section):
        return self.absolute(section.get_absolute_url())

    def description(self, section):
        return section.description or _("The latest %(section)s stories from %(site)s.") % {
            "section": section.name,
            "site": settings.NEWSROOM_SITE_NAME,
        }


class BylineFeed(ArticleFeed):
    """The latest published articles a contributor (`model`: author or agency) has a byline on."""

    model = None

    def get_object(self, request, slug):
        contributor = self.model.objects.get(slug=slug)
        caching.page_shows_lists(request, caching.list_key_of(contributor))
        return contributor

    def articles(self, contributor):
        field = self.model._meta.model_name
        return super().articles(contributor).filter(**{f"bylines__{field}": contributor})

    def title(self, contributor):
        return f"{contributor.name} – {settings.NEWSROOM_SITE_NAME}"

    def link(self, contributor):
        return self.absolute(contributor.get_absolute_url())


class AuthorFeed(BylineFeed):
    """The latest published articles an author has a byline on."""

    model = Author

    def description(self, author):
        return author.bio or _("The latest stories by %(author)s.") % {"author": author.name}


class AgencyFeed(BylineFeed):
    """The latest published articles an agency has a byline on: its wire copy, followed."""

    model = Agency

    def description(self, agency):
        return _("The latest stories with %(agency)s.") % {"agency": agency.name}


class TagFeed(ArticleFeed):
    """The latest published articles with one tag."""

    def get_object(self, request, slug):
        # As on the tag page: a tag used only on unpublished articles could give a story away.
        tag = public_tags().get(slug=slug)
        caching.page_shows_lists(request, caching.list_key_of(tag))
        return tag

    def articles(self, tag):
        return super().articles(tag).filter(tags=tag)

    def title(self, tag):
        return _("Stories tagged “%(tag)s” – %(site)s") % {
            "tag": tag.name,
            "site": settings.NEWSROOM_SITE_NAME,
        }

    def link(self, tag):
        return self.absolute(reverse("articles:tag-detail", kwargs={"slug": tag.slug}))

    def description(self, tag):
        return _("The latest stories tagged “%(tag)s”.") % {"tag": tag.name}


class CorrectionFeed(ArticleFeed):
    """The latest corrections to published articles, each linking to it at the story's foot."""

    feed_type = XmlSafeRssFeed

    def get_object(self, request):
        # Stale when a correction is added, or a story reaches or leaves readers.
        caching.page_shows_lists(request, caching.CORRECTIONS, caching.ALL_ARTICLES)
        return None

    def items(self, obj):
        return Correction.objects.published().select_related("article__section")[:FEED_ITEM_COUNT]

    def title(self, obj):
        return _("Corrections – %(site)s") % {"site": settings.NEWSROOM_SITE_NAME}

    def link(self, obj):
        return self.absolute(reverse("articles:corrections"))

    def description(self, obj):
        return _("The latest corrections to stories from %(site)s.") % {
            "site": settings.NEWSROOM_SITE_NAME
        }

    def item_title(self, correction):
        return _("Correction: %(headline)s") % {"headline": correction.article.headline}

    def item_description(self, correction):
        return escape(correction.text)

    def item_link(self, correction):
        return self.absolute(correction.get_absolute_url())

    def item_guid(self, correction):
        # On the correction's id, like an article's: the story's address may change.
        host = site_host(self.request)
        return f"tag:{host},{correction.published_at:%Y-%m-%d}:correction:{correction.pk}"

    def item_pubdate(self, correction):
        return correction.published_at

    def item_updateddate(self, correction):
        # Corrections are never edited.
        return correction.published_at

    def item_author_name(self, correction):
        return None

    def item_categories(self, correction):
        return [correction.article.section.name]

    def item_extra_kwargs(self, correction):
        return {}


class LiveFeed(ArticleFeed):
    """A published live blog's latest updates, each linking to it on the blog's page."""

    feed_type = XmlSafeRssFeed

    def get_object(self, request, slug):
        article = (
            Article.objects.published()
            .filter(slug=slug, article_type=Article.Type.LIVE)
            .select_related("section")
            .first()
        )
        if article is None:
            raise Http404("No live blog at this address.")
        # Stale when an update is posted, changed or taken down, or the blog itself changes.
        caching.page_shows_lists(request, live_key(article.pk))
        return article

    def items(self, article):
        entries = list(
            LiveEntry.objects.filter(article=article).for_page().newest_first()[:FEED_ITEM_COUNT]
        )
        for entry in entries:
            entry.article = article
        return entries

    def title(self, article):
        return _("%(headline)s – live updates") % {"headline": article.headline}

    def link(self, article):
        return self.absolute(article.get_absolute_url())

    def description(self, article):
        return article.description_for_search or self.title(article)

    def item_title(self, entry):
        return entry.summary

    def item_description(self, entry):
        # The update as its page shows it: sanitised HTML, which both formats read as HTML.
        return entry.body

    def item_link(self, entry):
        return self.absolute(entry.get_absolute_url())

    def item_guid(self, entry):
        host = site_host(self.request)
        return f"tag:{host},{entry.published_at:%Y-%m-%d}:live-update:{entry.pk}"

    def item_pubdate(self, entry):
        return entry.published_at

    def item_updateddate(self, entry):
        return entry.modified_at

    def item_author_name(self, entry):
        return entry.byline_name or None

    def item_categories(self, entry):
        return []

    def item_extra_kwargs(self, entry):
        return {}
