"""
What a page depends on, named: one key per object it shows, and one per list it shows (a
section's articles, the home page's). A committed change makes stale the keys of what it
changed (`keys_for_changes()`); every page and front-cache object tagged with one of them is
stale then, and no other.

    a123        article 123: its page, and every list, feed or sitemap showing its card
    s5, au7,    section 5, author 7, agency 2, photo 12, tag 9: every page showing its name,
    ag2, p12,   picture or link
    t9
    s5-list     the articles of section 5 (author, agency and tag lists alike): what a new,
                moved, republished or unpublished article changes
    a-list      every list of articles at all: the home page, the feeds, sitemaps and archives
    sections    the navigation, on every page
    a-any       any article (p-any: any photo, and so on): a page showing more than
                MAX_OBJECT_KEYS of a kind (a sitemap) carries this instead of their keys
    front-home  the stories pinned to the home page (front-s5: to section 5's page)
    fronts      any front's arrangements, scheduled ones included
    corrections the corrections of every story: the corrections page and feeds
    banner      the breaking-news banner, on every page
    live-a123   the updates of live blog 123: its page, its feed and its updates for readers'
                pages, not the pages showing its card
"""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from taggit.models import TaggedItem

from articles.models import Article, Byline, FrontArrangement, LiveEntry, live_key
from articles.models.fronts import front_key
from newsroom.audit.models import Action

PREFIXES = {
    "articles.article": "a",
    "articles.section": "s",
    "articles.author": "au",
    "articles.agency": "ag",
    "articles.photo": "p",
    "taggit.tag": "t",
}
ALL_ARTICLES = "a-list"
# Recorded as loaded, (SHOWN, key) is a key itself: a list a fragment kept built shows.
SHOWN = "key"
NAVIGATION = "sections"
# Past this many objects of a kind a page carries the kind's "-any" key: the keys travel in
# one response header, which front caches limit (Varnish: 8 KB in all).
MAX_OBJECT_KEYS = 100
# Any article at all: what every change to an article makes stale.
ANY_ARTICLE = "a-any"
# Any front's arrangements: what the time of the next scheduled change depends on.
FRONTS = "fronts"
_FRONT = "articles.frontarrangement"
CORRECTIONS = "corrections"
BANNER = "banner"
_LIVE_ENTRY = "articles.liveentry"
# An article's fields whose change its live blog's updates show: an update taken down, the end.
_LIVE_FIELDS = frozenset({"live_entries", "live_ended_at"})

# Fields whose change moves an article into or out of lists, or within them.
_LISTED_BY = frozenset(
    {"status", "publish_at", "embargoed_until", "first_published_at", "section", "bylines", "tags"}
)
# Actions that do so, whatever the fields.
_LISTING_ACTIONS = frozenset(
    {
        Action.CREATE,
        Action.DELETE,
        Action.PUBLISH,
        Action.UNPUBLISH,
        Action.SCHEDULE,
        Action.LIFT_EMBARGO,
        Action.RESTORE,
        Action.IMPORT,
    }
)
# Ids per query: an import announces thousands of articles at once.
_BATCH = 500


def object_key(label: str, pk) -> str | None:
    """The key of one object (by its model's label, "articles.article"); None for others."""
    prefix = PREFIXES.get(label)
    return None if prefix is None else f"{prefix}{pk}"


def list_key(label: str, pk) -> str:
    """The key of the list of articles of one section, author, agency or tag."""
    return f"{PREFIXES[label]}{pk}-list"


def list_key_of(instance) -> str:
    """The key of the list of articles of this section, author, agency or tag."""
    return list_key(instance._meta.label_lower, instance.pk)


def loaded_keys(loaded: Iterable[tuple[str, object]]) -> set[str]:
    """The keys of the (label, pk) of objects a page loaded (see MAX_OBJECT_KEYS)."""
    by_kind, keys = {}, set()
    for label, pk in loaded:
        if label == SHOWN:
            keys.add(pk)
        elif label in PREFIXES:
            by_kind.setdefault(label, set()).add(pk)
    for label, pks in by_kind.items():
        if len(pks) > MAX_OBJECT_KEYS:
            keys.add(_any_key(label))
        else:
            keys.update(object_key(label, pk) for pk in pks)
    return keys


def _any_key(label):
    return f"{PREFIXES[label]}-any"


def keys_for_changes(changes: Iterable[tuple[str, object, str, Iterable[str]]]) -> set[str]:
    """
    The keys that committed changes, each (model label, pk, action, fields), make stale. An
    article entering, leaving or moving in lists makes its lists stale as they are now (three
    queries per 500 articles); the lists that showed it before carry its own key. A new
    object's own key is on no page yet (ids are never reused): an import of ten thousand new
    articles makes stale their lists, not ten thousand keys.
    """
    keys, listed, arranged, updated = set(), set(), set(), set()
    for label, pk, action, fields in changes:
        if label == _FRONT:
            arranged.add(pk)
            continue
        if label == "articles.correction":
            keys.add(CORRECTIONS)
        if label == "articles.banner":
            keys.add(BANNER)
            continue
        if label == _LIVE_ENTRY:
            updated.add(pk)
            continue
        key = object_key(label, pk)
        if key is None:
            continue
        keys.add(_any_key(label))
        if action != Action.CREATE:
            keys.add(key)
        if label == "articles.section":
            keys.add(NAVIGATION)
        if label == "articles.article" and _LIVE_FIELDS & set(fields):
            keys.add(live_key(pk))
        if label == "articles.article" and (action in _LISTING_ACTIONS or _LISTED_BY & set(fields)):
            keys.add(ALL_ARTICLES)
            if action != Action.DELETE:
                listed.add(pk)
    listed = sorted(listed)
    for start in range(0, len(listed), _BATCH):
        keys |= _list_keys_of(listed[start : start + _BATCH])
    if updated:
        # An update taken down is announced on its live blog as well (services.live).
        blogs = LiveEntry.objects.filter(pk__in=updated).values_list("article_id", flat=True)
        keys.update(live_key(article_id) for article_id in set(blogs))
    if arranged:
        # A scheduled arrangement cancelled is gone, but was on no page yet: only its time was.
        keys.add(FRONTS)
        sections = FrontArrangement.objects.filter(pk__in=arranged).values_list("section_id")
        keys.update(front_key(section_id) for (section_id,) in sections)
    return keys


def _list_keys_of(article_ids):
    keys = set()
    for section_id in Article.objects.filter(pk__in=article_ids).values_list(
        "section_id", flat=True
    ):
        keys.add(list_key("articles.section", section_id))
    for author_id, agency_id in Byline.objects.filter(article__in=article_ids).values_list(
        "author_id", "agency_id"
    ):
        if author_id:
            keys.add(list_key("articles.author", author_id))
        if agency_id:
            keys.add(list_key("articles.agency", agency_id))
    for tag_id in TaggedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(Article), object_id__in=article_ids
    ).values_list("tag_id", flat=True):
        keys.add(list_key("taggit.tag", tag_id))
    return keys
