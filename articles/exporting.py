"""
Our content as a fixture file (fixtures/newsroom-fixture.schema.json) with the photo files
beside it: what `import_articles` reads back, into this database or an empty one, as it was.

Every article is written with everything a newsroom keeps of it: its fields and times, its
status and embargo, bylines, "Read more" links, tags, corrections and lead photo; with it the
sections, people, agencies and photos (their files' bytes and their rights) it names. The
articles are written one record a line, a batch at a time, so memory stays flat however many
there are, and the same content is always written as the same bytes.

Not written, as they are this database's own record and not the story's: staff accounts (who
created an article, uploaded a photo or added a correction), the rows' own created and
modified times, revisions and the audit log.
"""

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path

from django.db.models import Prefetch, Q

from articles.models import Agency, Article, Author, LiveEntry, Photo, Section
from newsroom.site import absolute_url

NOTE = (
    "Exported by Newsroom's export_articles; the photo files are in photos/ beside this file. "
    "Read it back with import_articles."
)
# The photo files go in this folder beside the fixture file, each named by its content.
PHOTO_FOLDER = "photos"
BATCH = 500


@dataclass
class Export:
    """What an export wrote: counts by kind, the photo files, and what it had to say."""

    counts: dict[str, int] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def photo_key(photo: Photo) -> str:
    """
    A photo's key in a fixture: its external ID, else one made from its content, so that the
    same picture has the same key whichever library it is exported from.
    """
    return photo.external_id or f"sha256-{photo.content_hash}"


def write_fixture(articles, out: Path, *, whole: bool) -> Export:
    """
    Write `articles` (a queryset) as a fixture file at `out`, and their photos' files in
    `out`'s folder under photos/. With `whole`, every section, agency, author and photo is
    written too, used or not; otherwise only those the articles name. The file appears whole
    or not at all; raises OSError when it cannot be written (the photo files it had added are
    removed again).
    """
    result = Export()
    ids = set(articles.values_list("pk", flat=True)) if not whole else None
    kinds = _small_kinds(articles, whole=whole)
    partial = out.with_name(out.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8") as file:
            file.write("{\n" + f'"note": {_json(NOTE)}')
            for kind, rows in kinds.items():
                records = [_RECORDS[kind](row) for row in rows]
                if kind == "photos":
                    for photo, record in zip(rows, records, strict=True):
                        _copy_photo(photo, out.parent / record["image"], result)
                _write_list(file, kind, records)
                result.counts[kind] = len(records)
            file.write(',\n"articles": [')
            count = 0
            for article in _articles(articles):
                record = article_record(article, exported=ids, warn=result.warnings.append)
                file.write(("," if count else "") + "\n" + _json(record))
                count += 1
            file.write("\n]\n}\n")
            result.counts["articles"] = count
        partial.replace(out)
    except BaseException:
        for path in result.files:
            path.unlink(missing_ok=True)
        folder = out.parent / PHOTO_FOLDER
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
        raise
    finally:
        partial.unlink(missing_ok=True)
    return result


def _articles(articles) -> Iterator[Article]:
    """The articles with all they hang on to, fetched a batch at a time, in key order."""
    queryset = (
        articles.order_by("slug")
        .with_rows()
        .select_related("lead_photo")
        .prefetch_related(
            Prefetch("corrections"),
            Prefetch(
                "live_entries",
                queryset=LiveEntry.objects.for_page().order_by("published_at", "pk"),
            ),
        )
    )
    return queryset.iterator(chunk_size=BATCH)


def _small_kinds(articles, *, whole):
    """Sections, agencies, photos and authors to write, each in key order."""
    if whole:
        sections, agencies = Section.objects.all(), Agency.objects.all()
        photos, authors = Photo.objects.all(), Author.objects.all()
    else:
        chosen = articles.values("pk")
        sections = Section.objects.filter(articles__in=chosen)
        authors = Author.objects.filter(
            Q(bylines__article__in=chosen) | Q(live_entries__article__in=chosen)
        )
        photos = Photo.objects.filter(
            Q(lead_articles__in=chosen)
            | Q(live_entries__article__in=chosen)
            | Q(pk__in=authors.values("portrait"))
        )
        agencies = Agency.objects.filter(
            Q(bylines__article__in=chosen)
            | Q(live_entries__article__in=chosen)
            | Q(photos__in=photos.values("pk"))
        )
    photos = sorted(photos.distinct().select_related("source"), key=photo_key)
    return {
        "sections": list(sections.distinct().order_by("slug")),
        "agencies": list(agencies.distinct().order_by("slug")),
        "photos": photos,
        "authors": list(authors.distinct().select_related("portrait").order_by("slug")),
    }


def _write_list(file, kind, records):
    items = ",".join("\n" + _json(record) for record in records)
    file.write(f',\n"{kind}": [{items}{chr(10) if records else ""}]')


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _copy_photo(photo, target: Path, result: Export):
    """The stored file's bytes at `target`; a file already there with them is kept."""
    with photo.image.open("rb") as source:
        content = source.read()
    if target.is_file() and target.read_bytes() == content:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    try:
        partial.write_bytes(content)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    result.files.append(target)


def _time(value):
    return value.astimezone(UTC).isoformat() if value is not None else None


def _present(record: dict) -> dict:
    """The record without its empty values, which the importer reads as empty anyway."""
    return {name: value for name, value in record.items() if value not in ("", None, [])}


def section_record(section: Section) -> dict:
    record = _present(
        {"slug": section.slug, "name": section.name, "description": section.description}
    )
    return record | {"order": section.order, "in_navigation": section.in_navigation}


def agency_record(agency: Agency) -> dict:
    return _present(
        {
            "slug": agency.slug,
            "name": agency.name,
            "short_name": agency.short_name,
            "website": agency.website,
        }
    )


def photo_record(photo: Photo) -> dict:
    suffix = Path(photo.image.name).suffix.lower()
    record = _present(
        {
            "id": photo_key(photo),
            "image": f"{PHOTO_FOLDER}/{photo.content_hash}{suffix}",
            "alt_text": photo.alt_text,
            "caption": photo.caption,
            "creator": photo.creator,
            "credit_line": photo.credit_line,
            "copyright_notice": photo.copyright_notice,
            "license_url": photo.license_url,
            "acquire_license_url": photo.acquire_license_url,
            "source": photo.source.slug if photo.source_id else None,
            "taken_at": _time(photo.taken_at),
        }
    )
    if photo.focal_point_x is not None and photo.focal_point_y is not None:
        record["focal_point"] = {"x": photo.focal_point_x, "y": photo.focal_point_y}
    return record


def author_record(author: Author) -> dict:
    return _present(
        {
            "slug": author.slug,
            "name": author.name,
            "job_title": author.job_title,
            "bio": author.bio,
            "portrait": photo_key(author.portrait) if author.portrait_id else None,
        }
    )


_RECORDS = {
    "sections": section_record,
    "agencies": agency_record,
    "photos": photo_record,
    "authors": author_record,
}


def article_record(article: Article, *, exported: set | None = None, warn=None) -> dict:
    """
    One article as a fixture record. `exported` holds the ids of the articles written with it
    (None: all of them); a "Read more" link to one left out becomes a link to its public page,
    or is left out while readers cannot see that story (and `warn` is told).
    """
    record = {
        "slug": article.slug,
        "headline": article.headline,
        "section": article.section.slug,
        "status": article.status,
        "article_type": None if article.article_type == Article.Type.NEWS else article.article_type,
        "sponsor": article.sponsor,
        "standfirst": article.standfirst,
        "dateline": article.dateline,
        "body": article.body,
        "tags": sorted(tag.name for tag in article.tags.all()),
        "publish_at": _time(article.publish_at),
        "first_published_at": _time(article.first_published_at),
        "last_updated_at": _time(article.last_updated_at),
        "embargoed_until": _time(article.embargoed_until),
        "embargo_note": article.embargo_note,
        "lead_photo": photo_key(article.lead_photo) if article.lead_photo_id else None,
        "lead_photo_caption": article.lead_photo_caption,
        "seo_title": article.seo_title,
        "seo_description": article.seo_description,
        "external_id": article.external_id,
        "external_version": article.external_version,
        "bylines": [_byline(byline) for byline in article.bylines.all()],
        "related_links": _links(article, exported, warn),
        "corrections": [
            {"text": correction.text, "published_at": _time(correction.published_at)}
            for correction in article.corrections.all()
        ],
        "live_ended_at": _time(article.live_ended_at),
        "live_entries": [live_entry_record(entry) for entry in article.live_entries.all()],
    }
    return _present(record)


def live_entry_record(entry) -> dict:
    record = _present(
        {
            "published_at": _time(entry.published_at),
            "title": entry.title,
            "body": entry.body,
            "photo": photo_key(entry.photo) if entry.photo_id else None,
            "photo_caption": entry.photo_caption,
            "author": entry.author.slug if entry.author_id else None,
            "agency": entry.agency.slug if entry.agency_id else None,
        }
    )
    return record | {"pinned": entry.pinned, "key_event": entry.key_event}


def _byline(byline) -> dict:
    if byline.author_id:
        return {"author": byline.author.slug, "role": byline.role}
    return {"agency": byline.agency.slug, "role": byline.role}


def _links(article, exported, warn):
    links = []
    for link in article.related_links.all():
        target = link.target
        if target is None:
            links.append({"url": link.url, "title": link.title})
        elif exported is None or target.pk in exported:
            links.append(_present({"article": target.slug, "title": link.title}))
        elif target.is_published:
            url = absolute_url(target.get_absolute_url())
            links.append({"url": url, "title": link.title or target.headline})
        elif warn is not None:
            warn(
                f"{article.slug}: the “Read more” link to “{target.slug}” is left out: that "
                "story is not exported and readers cannot see it."
            )
    return links
