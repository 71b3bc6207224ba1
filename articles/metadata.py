"""
What a page tells machines about itself: JSON-LD (schema.org) and the Open Graph image.
Pure functions of objects the view already fetched: no queries. URLs are made absolute with
the request, since crawlers and social networks read them out of context.
"""

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.translation import get_language, to_locale

from articles import renditions
from articles.models.enums import ArticleType
from newsroom.site import absolute_url

SCHEMA_ORG = "https://schema.org"
# Each article type as schema.org names it: news's own subtypes, and paid-for content, which
# is an article but not news.
SCHEMA_TYPES = {
    ArticleType.NEWS: "NewsArticle",
    ArticleType.OPINION: "OpinionNewsArticle",
    ArticleType.ANALYSIS: "AnalysisNewsArticle",
    ArticleType.EXPLAINER: "BackgroundNewsArticle",
    ArticleType.REVIEW: "ReviewNewsArticle",
    ArticleType.SPONSORED: "AdvertiserContentArticle",
    ArticleType.LIVE: "LiveBlogPosting",
}
# The live blog's latest updates in its structured data: enough for search engines' live
# badges, without making a long-running blog's page heavy.
LIVE_UPDATES_DESCRIBED = 50


def og_locale():
    """The site's language as Open Graph spells locales, the POSIX way: en_GB."""
    return to_locale(get_language() or settings.LANGUAGE_CODE)


def site_context():
    """What every page says of the site: its name and locale (the context processor's)."""
    return {"site_name": settings.NEWSROOM_SITE_NAME, "og_locale": og_locale()}


def absolute(request, url):
    return absolute_url(url, request)


def publisher(request):
    """The site as a schema.org NewsMediaOrganization with its logo."""
    width, height = settings.NEWSROOM_PUBLISHER_LOGO_SIZE
    return {
        "@type": "NewsMediaOrganization",
        "name": settings.NEWSROOM_SITE_NAME,
        "url": absolute(request, reverse("articles:home")),
        "logo": {
            "@type": "ImageObject",
            "url": absolute(request, static(settings.NEWSROOM_PUBLISHER_LOGO)),
            "width": width,
            "height": height,
        },
    }


def image_objects(request, photo, caption):
    """
    The photo's crops as ImageObjects carrying its caption, credit and rights; [] until its
    renditions are made (the uploaded original keeps the camera's location: never linked).
    """
    rights = {
        "caption": caption,
        "creditText": photo.credit,
        "copyrightNotice": photo.copyright_notice,
        "creator": {"@type": "Person", "name": photo.creator} if photo.creator else None,
        "license": photo.license_url,
        "acquireLicensePage": photo.acquire_license_url,
    }
    return [
        {
            "@type": "ImageObject",
            "url": absolute(request, image.url),
            "contentUrl": absolute(request, image.url),
            "width": image.width,
            "height": image.height,
            **{name: value for name, value in rights.items() if value},
        }
        for image in renditions.photo_structured_data_images(photo)
    ]


def byline_entity(request, byline):
    """A byline as schema.org: an author is a Person, an agency an Organization."""
    if byline.author_id:
        entity = {"@type": "Person", "name": byline.author.name}
        if byline.author.job_title:
            entity["jobTitle"] = byline.author.job_title
    else:
        entity = {"@type": "Organization", "name": byline.agency.name}
    entity["url"] = absolute(request, byline.url)
    return entity


def article_json_ld(request, article, entries=()):
    """
    The article as a schema.org NewsArticle (or the subtype of its type: OpinionNewsArticle
    …, AdvertiserContentArticle with its sponsor, LiveBlogPosting with its latest `entries`
    as liveBlogUpdate), following Google's Article guidance.
    """
    url = absolute(request, article.get_absolute_url())
    published = article.published_at
    schema_type = SCHEMA_TYPES.get(article.article_type, "NewsArticle")
    data = {
        "@context": SCHEMA_ORG,
        "@type": schema_type,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.headline,
        "description": article.description_for_search,
        "datePublished": published.isoformat() if published else None,
        "dateModified": (article.updated_at or published).isoformat() if published else None,
        "author": [byline_entity(request, byline) for byline in article.bylines.all()],
        "publisher": publisher(request),
        "articleSection": article.section.name,
        "keywords": [tag.name for tag in article.tags.all()],
        "inLanguage": settings.LANGUAGE_CODE,
        "isAccessibleForFree": True,
    }
    if article.article_type == ArticleType.LIVE:
        data.update(live_blog(request, article, entries))
    if article.sponsor:
        data["sponsor"] = {"@type": "Organization", "name": article.sponsor}
    if article.dateline and schema_type.endswith("NewsArticle"):
        data["dateline"] = article.dateline
    if article.lead_photo_id:
        data["image"] = image_objects(request, article.lead_photo, article.lead_caption)
    data["correction"] = [
        {
            "@type": "CorrectionComment",
            "text": correction.text,
            "datePublished": correction.published_at.isoformat(),
            "url": absolute(request, correction.get_absolute_url()),
        }
        for correction in article.corrections.all()
    ]
    return {name: value for name, value in data.items() if value not in (None, "", [])}


def live_blog(request, article, entries):
    """A LiveBlogPosting's own properties: its coverage times and its latest updates."""
    published = article.published_at
    updates = [
        {
            "@type": "BlogPosting",
            "headline": entry.summary,
            "articleBody": " ".join(strip_tags(entry.body).split()),
            "datePublished": entry.published_at.isoformat(),
            "url": absolute(request, entry.get_absolute_url()),
            **(
                {"author": {"@type": "Person", "name": entry.author.name}}
                if entry.author_id
                else {}
            ),
        }
        for entry in list(entries)[:LIVE_UPDATES_DESCRIBED]
    ]
    data = {
        "coverageStartTime": published.isoformat() if published else None,
        "coverageEndTime": article.live_ended_at.isoformat() if article.live_ended_at else None,
        "liveBlogUpdate": updates,
    }
    if updates:
        data["dateModified"] = max(entry.published_at for entry in entries).isoformat()
    return data


def breadcrumbs_json_ld(request, trail):
    """A schema.org BreadcrumbList of (name, path) pairs, the page itself last."""
    return {
        "@context": SCHEMA_ORG,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": absolute(request, path),
            }
            for position, (name, path) in enumerate(trail, start=1)
        ],
    }


def open_graph_image(request, photo):
    """
    The photo's Open Graph image (url, width, height) with an absolute URL; None without a
    photo or until its renditions are made.
    """
    image = renditions.photo_open_graph_image(photo) if photo else None
    if image is None:
        return None
    return renditions.Rendition(absolute(request, image.url), image.width, image.height)


def article_open_graph(request, article):
    """Open Graph properties of an article page (the template writes them as meta tags)."""
    published = article.published_at
    return {
        "url": absolute(request, article.get_absolute_url()),
        "title": article.title_for_search,
        "description": article.description_for_search,
        "image": open_graph_image(request, article.lead_photo),
        "image_alt": article.lead_photo.alt_text if article.lead_photo_id else "",
        "published_time": published,
        "modified_time": article.updated_at or published,
        "authors": [
            absolute(request, byline.url) for byline in article.bylines.all() if byline.author_id
        ],
        "section": article.section.name,
        "tags": [tag.name for tag in article.tags.all()],
    }
