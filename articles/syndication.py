"""
Our stories as IPTC ninjs, for partners and wire exchange: version 3.1 (camelCase) or 2.2,
each document valid against IPTC's schema of that version. Pure: it reads what the caller
fetched (`Article.objects.for_detail()`: section, bylines, tags, lead photo).

What goes where is the reverse of docs/ninjs.md's import: headline, standfirst (summary),
body (HTML), byline (`by`, and authors as `people`, agencies as `organisations`), tags
(`subjects`), times, status, embargo, and the lead photo as a `picture` association with its
caption, credit, photographer, copyright, licence and file.
"""

from django.conf import settings

from articles import display
from articles.models import Article
from articles.models.enums import IPTC_GENRE_CV, IPTC_GENRES
from newsroom.site import absolute_url

VERSIONS = ("2.2", "3.1")
_SCHEMA = "http://www.iptc.org/std/ninjs/ninjs-schema_{}.json"
_PUBSTATUS = {
    Article.Status.PUBLISHED: "usable",
    Article.Status.UNPUBLISHED: "canceled",
}
# 3.x names, where they differ from 2.x's.
_CAMEL = {
    "versioncreated": "versionCreated",
    "firstcreated": "firstCreated",
    "contentcreated": "contentCreated",
    "pubstatus": "pubStatus",
    "embargoed": "embargoedUntil",
    "copyrightnotice": "copyrightNotice",
    "copyrightholder": "copyrightHolder",
    "rightsinfo": "rightsInfo",
    "linkedrights": "linkedRights",
    "contenttype": "contentType",
    "representationtype": "representationType",
}


def article_ninjs(article: Article, *, version: str = "3.1", request=None) -> dict:
    """
    `article` as one ninjs document of `version` ("2.2" or "3.1"). Its addresses are under
    SITE_URL, else on `request`'s host (absolute_url()).
    """
    if version not in VERSIONS:
        raise ValueError(f"ninjs {version!r}: one of {', '.join(VERSIONS)}")
    photo = article.lead_photo
    document = {
        "uri": absolute_url(article.get_absolute_url(), request),
        "standard": {"name": "ninjs", "version": version, "schema": _SCHEMA.format(version)},
        "type": "composite" if photo else "text",
        "representationtype": "full",
        "version": str(int(article.modified_at.timestamp())) if article.modified_at else "1",
        "versioncreated": _time(article.last_updated_at or article.modified_at),
        "firstcreated": _time(article.created_at),
        "pubstatus": _pubstatus(article),
        "language": settings.LANGUAGE_CODE,
        "headlines": [{"role": "main", "contenttype": "text/plain", "value": article.headline}],
    }
    if article.embargoed_until:
        document["embargoed"] = _time(article.embargoed_until)
    if article.dateline:
        document["located"] = article.dateline
    genre = IPTC_GENRES.get(article.article_type)
    if genre:
        document["genres"] = [
            {"name": article.get_article_type_display(), "uri": IPTC_GENRE_CV + genre}
        ]
    if article.standfirst:
        document["descriptions"] = [
            {"role": "summary", "contenttype": "text/plain", "value": article.standfirst}
        ]
    if article.body:
        document["bodies"] = [{"role": "main", "contenttype": "text/html", "value": article.body}]
    byline = display.byline_text(article.byline)
    if byline:
        document["by"] = byline
    bylines = list(article.bylines.all())
    people = [
        {
            "name": b.author.name,
            "rel": "author",
            "uri": absolute_url(b.author.get_absolute_url(), request),
        }
        for b in bylines
        if b.author_id
    ]
    organisations = [
        {
            "name": b.agency.name,
            "rel": "author",
            "uri": absolute_url(b.agency.get_absolute_url(), request),
        }
        for b in bylines
        if b.agency_id
    ]
    if people:
        document["people"] = people
    if organisations:
        document["organisations"] = organisations
    tags = [tag.name for tag in article.tags.all()]
    if tags:
        document["subjects"] = [{"name": name} for name in tags]
    if photo:
        document["associations"] = [_picture(article, photo, version, request)]
    document = {key: value for key, value in document.items() if value not in (None, "")}
    return _camel(document) if version.startswith("3.") else document


def _picture(article, photo, version, request):
    picture = {
        "name": "featureimage",
        # The supplier's identifier when it came with one, else its file's address.
        "uri": photo.external_id or absolute_url(photo.image.url, request),
        "type": "picture",
        "headlines": [{"role": "alt", "contenttype": "text/plain", "value": photo.alt_text}],
        "by": photo.creator,
        "copyrightnotice": photo.copyright_notice,
        "copyrightholder": photo.source.name if photo.source_id else "",
        "contentcreated": _time(photo.taken_at),
        "renditions": [
            {
                "name": "original",
                "href": absolute_url(photo.image.url, request),
                "contenttype": _image_type(photo.image.name),
                "width": photo.width,
                "height": photo.height,
            }
        ],
    }
    if version.startswith("3."):
        picture["rel"] = "featureimage"
    descriptions = [
        ("caption", article.lead_photo_caption or photo.caption),
        ("creditline", photo.credit),
    ]
    picture["descriptions"] = [
        {"role": role, "contenttype": "text/plain", "value": value}
        for role, value in descriptions
        if value
    ]
    if photo.license_url:
        picture["rightsinfo"] = {"linkedrights": photo.license_url}
    return {key: value for key, value in picture.items() if value not in (None, "", [])}


def _pubstatus(article):
    if article.status in _PUBSTATUS:
        return _PUBSTATUS[article.status]
    return "withheld"


def _time(value):
    return value.isoformat() if value else None


def _image_type(name):
    suffix = name.rsplit(".", 1)[-1].lower()
    return {"png": "image/png", "webp": "image/webp"}.get(suffix, "image/jpeg")


def _camel(value):
    if isinstance(value, list):
        return [_camel(inner) for inner in value]
    if isinstance(value, dict):
        return {_CAMEL.get(key, key): _camel(inner) for key, inner in value.items()}
    return value
