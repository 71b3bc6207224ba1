"""
An article's revisions as plain data: what a snapshot holds, how two of them differ (for the
history's diff and its one-line summary), and who saved an article since a form was opened.
Pure reads; the writes are `services.article_revision_save()` and `article_revision_restore()`.
"""

import re
from collections.abc import Iterable
from difflib import SequenceMatcher
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from taggit.models import TaggedItem

from articles import html
from articles.models import Agency, Article, Byline, Photo, RelatedLink

# How the history shows a time; its templates use the same format.
TIME_FORMAT = "j M Y, H:i"
# Runs of unchanged lines (body blocks, bylines …) longer than this are folded in a diff.
UNCHANGED_SHOWN = 1
# What `article_revision_restore()` brings back; the rest of a snapshot is workflow state.
CONTENT_FIELDS = [
    "headline",
    "slug",
    "article_type",
    "sponsor",
    "standfirst",
    "dateline",
    "body",
    "seo_title",
    "seo_description",
    "lead_photo_caption",
]
_TIMES = ["publish_at", "first_published_at", "last_updated_at"]
WORKFLOW_FIELDS = ["status", *_TIMES]


class Change(NamedTuple):
    """One field that differs between two snapshots: its label, both texts, and a diff."""

    label: str
    old: str
    new: str
    html: SafeString


def snapshot(article: Article) -> dict:
    """
    Everything readers see of `article`, as stored, as JSON-ready data: fields, section, lead
    photo and caption, sorted tags, and bylines and "Read more" links in order, each kept by
    content (ids with the names they had), since their rows are rewritten on every save.
    """
    return snapshots([article.pk])[article.pk]


def snapshots(article_ids: Iterable[int]) -> dict[int, dict]:
    """The snapshot of each of these articles as stored, by id: four queries however many."""
    found = {}
    for row in Article.objects.filter(pk__in=list(article_ids)).values(
        "pk",
        *CONTENT_FIELDS,
        "status",
        *_TIMES,
        "section_id",
        "section__name",
        "lead_photo_id",
        "lead_photo__caption",
        "lead_photo__alt_text",
    ):
        photo = row["lead_photo_id"] and {
            "id": row["lead_photo_id"],
            "label": Photo.label_for(row["lead_photo__caption"], row["lead_photo__alt_text"]),
        }
        found[row["pk"]] = {
            **{name: row[name] for name in CONTENT_FIELDS},
            "section": {"id": row["section_id"], "name": row["section__name"]},
            "status": row["status"],
            **{name: _iso(row[name]) for name in _TIMES},
            "lead_photo": photo or None,
            "tags": [],
            "bylines": [],
            "related_links": [],
        }
    bylines = Byline.objects.filter(article__in=found).order_by("article", "position", "pk")
    for article_id, author_id, author, agency_id, short, name, role in bylines.values_list(
        "article_id",
        "author_id",
        "author__name",
        "agency_id",
        "agency__short_name",
        "agency__name",
        "role",
    ):
        if author_id:
            row = {"author": {"id": author_id, "name": author}, "role": role}
        else:
            row = {"agency": {"id": agency_id, "name": Agency.name_printed(short, name)}}
            row["role"] = role
        found[article_id]["bylines"].append(row)
    links = RelatedLink.objects.filter(article__in=found).order_by("article", "position", "pk")
    for article_id, target_id, headline, url, title in links.values_list(
        "article_id", "target_id", "target__headline", "url", "title"
    ):
        if target_id:
            row = {"target": {"id": target_id, "headline": headline}, "title": title}
        else:
            row = {"url": url, "title": title}
        found[article_id]["related_links"].append(row)
    tagged = TaggedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(Article), object_id__in=found
    ).values_list("object_id", "tag__name")
    for article_id, name in tagged:
        found[article_id]["tags"].append(name)
    for data in found.values():
        data["tags"].sort()
    return found


def content_value(data: dict, name: str):
    """A content field of a snapshot; one saved before the field existed had its default."""
    if name in data:
        return data[name]
    return Article._meta.get_field(name).get_default()


def restored(current: dict, data: dict) -> dict:
    """The snapshot an article taken as `current` will have once `data` is restored."""
    return {**data, **{name: current.get(name) for name in WORKFLOW_FIELDS}}


def local_time(value) -> str:
    """A time as editors read it in the history: local, "27 Nov 2026, 05:21"."""
    # Not DATETIME_FORMAT: its "a.m." ends a sentence with two full stops.
    return formats.date_format(timezone.localtime(value), TIME_FORMAT)


def _iso(value):
    return value.isoformat() if value else None


def _label(name):
    return str(Article._meta.get_field(name).verbose_name)


# Labels of the snapshot's rows; its other keys are the article's fields of that name.
_ROW_LABELS = {
    "bylines": str(Byline._meta.verbose_name_plural),
    "related_links": "“Read more” links",
}
# Snapshot keys in the order a diff lists them, with their labels.
FIELDS = [
    (key, _ROW_LABELS.get(key) or _label(key))
    for key in [
        "headline",
        "slug",
        "article_type",
        "sponsor",
        "standfirst",
        "dateline",
        "body",
        "section",
        "tags",
        "bylines",
        "related_links",
        "lead_photo",
        "lead_photo_caption",
        "status",
        *_TIMES,
        "seo_title",
        "seo_description",
    ]
]


def changed_fields(old: dict | None, new: dict) -> list[str]:
    """Labels of the snapshot fields that differ between `old` and `new`, in display order."""
    old = old or {}
    return [label for key, label in FIELDS if old.get(key) != new.get(key)]


def summary(old: dict | None, new: dict) -> str:
    """What a save changed, in words: "Changed headline, body and bylines"."""
    if old is None:
        return "First recorded version"
    labels = changed_fields(old, new)
    if not labels:
        return "No changes"
    listed = ", ".join(labels[:-1]) + " and " + labels[-1] if len(labels) > 1 else labels[0]
    return f"Changed {listed}"


def diff(old: dict, new: dict) -> list[Change]:
    """The fields that differ between two snapshots, each with a readable HTML diff."""
    changes = []
    for key, label in FIELDS:
        if old.get(key) == new.get(key):
            continue
        old_lines, new_lines = _lines(key, old.get(key)), _lines(key, new.get(key))
        changes.append(
            Change(label, "\n".join(old_lines), "\n".join(new_lines), _diff(old_lines, new_lines))
        )
    return changes


def _lines(key, value):
    """A snapshot value as lines of text: the body by top-level blocks, one line per row."""
    if value in (None, "", []):
        return []
    if key == "body":
        return [markup for _, markup in html.split_blocks(value)] or value.splitlines()
    if key == "section":
        return [value["name"]]
    if key == "tags":
        return [", ".join(value)]
    if key == "lead_photo":
        return [f"{value['label']} (photo {value['id']})"]
    if key == "bylines":
        return [_byline_line(row) for row in value]
    if key == "related_links":
        return [_link_line(row) for row in value]
    if key == "status":
        return [str(Article.Status(value).label)]
    if key in _TIMES:
        return [local_time(parse_datetime(value))]
    return str(value).splitlines()


def _byline_line(row):
    role = Byline.Role(row["role"]).label
    if "author" in row:
        return f"{role} {row['author']['name']}"
    return f"{role} {row['agency']['name']} (agency)"


def _link_line(row):
    if "target" in row:
        return f"{row['title'] or row['target']['headline']} (article {row['target']['id']})"
    return f"{row['title']} ({row['url']})"


def _diff(old_lines, new_lines):
    """Lines kept, removed (<del>) and added (<ins>); a line changed in place is diffed by word."""
    rows = []
    matcher = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            rows.extend(_unchanged(old_lines[i1:i2]))
        else:
            # Lines replaced in place and still alike are diffed word by word.
            removed, added = old_lines[i1:i2], new_lines[j1:j2]
            while removed and added and _alike(removed[0], added[0]):
                rows.append(("changed", _word_diff(removed.pop(0), added.pop(0))))
            rows.extend(("removed", format_html("<del>{}</del>", line)) for line in removed)
            rows.extend(("added", format_html("<ins>{}</ins>", line)) for line in added)
    return mark_safe(
        "".join(
            format_html('<div class="revision-diff-{}">{}</div>', kind, content)
            for kind, content in rows
        )
    )


def _unchanged(lines):
    if len(lines) <= 2 * UNCHANGED_SHOWN + 1:
        return [("unchanged", escape(line)) for line in lines]
    folded = len(lines) - 2 * UNCHANGED_SHOWN
    return [
        *(("unchanged", escape(line)) for line in lines[:UNCHANGED_SHOWN]),
        ("folded", f"… {folded} unchanged …"),
        *(("unchanged", escape(line)) for line in lines[-UNCHANGED_SHOWN:]),
    ]


def _words(line):
    """A line as tags, runs of space and words: a diff then never splits a tag."""
    return re.findall(r"<[^>]*>|\s+|[^\s<]+", line)


def _alike(old, new):
    return SequenceMatcher(None, _words(old), _words(new), autojunk=False).ratio() >= 0.5


def _word_diff(old, new):
    old_words, new_words = _words(old), _words(new)
    # [old text, new text, unchanged]; a space between two changes joins them, so two
    # words replaced read as one change ("<del>Angela Skujins</del>"), not word by word.
    runs = []
    matcher = SequenceMatcher(None, old_words, new_words, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old_text, new_text = "".join(old_words[i1:i2]), "".join(new_words[j1:j2])
        joins = runs and not runs[-1][2] and (op != "equal" or old_text.isspace())
        if joins:
            runs[-1][0] += old_text
            runs[-1][1] += new_text
        else:
            runs.append([old_text, new_text, op == "equal"])
    parts = []
    for old_text, new_text, unchanged in runs:
        if unchanged:
            parts.append(escape(old_text))
            continue
        if old_text:
            parts.append(format_html("<del>{}</del>", old_text))
        if new_text:
            parts.append(format_html("<ins>{}</ins>", new_text))
    return mark_safe("".join(parts))


def version(article: Article) -> str:
    """The token a change form carries to tell, when posted, whether someone saved since."""
    return _iso(article.modified_at) or ""


def stale_save_message(*, article: Article, form_version: str) -> str | None:
    """
    Why a form of `article` opened at `form_version` may not be saved: someone saved the
    article since (named from their revision, else "another editor"); None when it is current.
    Inside a transaction the article's row stays locked until it ends (where the database
    locks rows), so two forms posted at once cannot both pass.
    """
    with transaction.atomic():
        current = (
            Article.objects.select_for_update()
            .filter(pk=article.pk)
            .values_list("modified_at", flat=True)
            .first()
        )
    if current is None or _iso(current) == form_version:
        return None
    try:
        opened = parse_datetime(form_version)
    except ValueError:  # Well formed but no real time: a form we did not render.
        opened = None
    revision = article.revisions.select_related("created_by").defer("data").first()
    who, when = "another editor", current
    if revision and (opened is None or revision.created_at > opened):
        when = revision.created_at
        if revision.created_by:
            who = revision.created_by.get_full_name() or revision.created_by.get_username()
    return (
        f"Someone else saved this article since you opened it: {who} at {local_time(when)}. "
        "Your changes "
        "are below and have not been saved; copy what you need, then reload the article."
    )
