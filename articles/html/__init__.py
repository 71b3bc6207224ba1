"""
Article body HTML: sanitising (a thin wrapper over nh3, the Ammonia sanitiser) and splitting
the body into top-level blocks so templates can place things between paragraphs, and show what
a block stands for: an inline photo from the library, a video or post from another site
(embeds), a table.

An article body holds text (paragraphs, sub-headings, quotes, lists, links, emphasis) and media:
pull quotes (<blockquote class="pull-quote">), tables, and figures standing for a library photo
(<figure data-photo="12">) or an embed (<figure data-embed="https://…">), each with an optional
caption (<figcaption>). A live update holds text only (`media=False`).

Pure functions: no database, no settings.
"""

import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

import nh3

from articles.html import tables
from articles.html.embeds import Embed, embed_for
from articles.html.markup import attributes as _attributes
from articles.html.markup import inner as _inner
from articles.html.markup import plain_text as _plain_text
from articles.html.markup import top_level_items as _top_level_items

TEXT_TAGS = frozenset(
    {"p", "h2", "h3", "blockquote", "ul", "ol", "li", "a", "em", "strong", "i", "b", "br"}
)
MEDIA_TAGS = frozenset(
    {"figure", "figcaption", "table", "caption", "thead", "tbody", "tr", "th", "td"}
)
# What an article body may hold.
ALLOWED_TAGS = TEXT_TAGS | MEDIA_TAGS
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
# Each checked by _media_attribute(); the one class a quote may have is a pull quote's.
MEDIA_ATTRIBUTES = {
    "figure": {"data-photo", "data-embed"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
PULL_QUOTE = "pull-quote"
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
BLOCK_TAGS = frozenset({"p", "h2", "h3", "blockquote", "ul", "ol", "figure", "table"})
INLINE_TAGS = frozenset({"a", "em", "strong", "i", "b", "br"})


def sanitize(value, *, media=True):
    """
    Return `value` with every element, attribute and URL scheme outside the allow-list
    removed, in a canonical structure: a sequence of blocks, one per line; loose text gathered
    into paragraphs (a blank line starts a new one); headings and paragraphs holding only text
    and inline elements; list items inside lists. Sanitising the result changes nothing.

    With `media` (article bodies), also pull quotes, tables (see articles.html.tables) and
    figures, at the top level only: each a library photo by its number or an embed of a
    recognised video or post (articles.html.embeds), with its caption as text. A figure
    showing neither, or standing inside a quote or list, is removed with its caption.
    """
    if not value:
        return ""
    cleaned = _clean(value, ALLOWED_TAGS if media else TEXT_TAGS)
    blocks = _plain_blocks(cleaned)
    return "\n".join(_flow(cleaned, headings=True) if blocks is None else blocks)


# The sanitiser's block-level tags without attributes (a pull quote's start tag is not one: a
# body holding one, or a figure or a table, takes the full path).
_BLOCK_TAG = re.compile(r"<(/?)(p|h2|h3|blockquote|ul|ol|li)>")


def _plain_blocks(cleaned):
    """
    The blocks of cleaned markup that is nothing but paragraphs and headings holding text and
    inline elements, with only white space between them (most bodies): what _flow() makes of
    it, found without parsing. None for anything else, which _flow() then takes.
    """
    blocks, position, opened = [], 0, None
    for match in _BLOCK_TAG.finditer(cleaned):
        closing, tag = match.groups()
        if not closing:
            if opened or tag not in ("p", "h2", "h3") or cleaned[position : match.start()].strip():
                return None
            opened, position = (tag, match.end()), match.end()
        else:
            if not opened or opened[0] != tag:
                return None
            blocks.append(f"<{tag}>{cleaned[opened[1] : match.start()].strip()}</{tag}>")
            opened, position = None, match.end()
    if opened or cleaned[position:].strip():
        return None
    return blocks


def _media_attribute(tag, name, value):
    """A media attribute's value as the body keeps it, or None to drop it (nh3's filter)."""
    if tag == "figure" and name == "data-photo":
        return _photo_id(value)
    if tag == "figure" and name == "data-embed":
        embed = embed_for(value)
        return embed.url if embed else None
    if name in ("colspan", "rowspan"):
        return tables.valid_span(value)
    if name == "scope":
        return value.strip().lower() if value.strip().lower() in tables.SCOPES else None
    return value


_PHOTO_ID = re.compile(r"\s*0*([1-9][0-9]{0,17})\s*")


def _photo_id(value):
    """A photo's number as the body keeps it (no leading zeros); None for anything else."""
    match = _PHOTO_ID.fullmatch(value)
    return match[1] if match else None


_LINKS = {tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()}
# nh3's options for each set of tags kept: the body's, a live update's, a caption's text.
_OPTIONS = {
    ALLOWED_TAGS: {
        "attributes": _LINKS | {tag: set(names) for tag, names in MEDIA_ATTRIBUTES.items()},
        "attribute_filter": _media_attribute,
        "allowed_classes": {"blockquote": {PULL_QUOTE}},
    },
    TEXT_TAGS: {"attributes": _LINKS},
    # Inside a paragraph, a list or a quote a figure goes whole: its caption is of nothing there.
    INLINE_TAGS: {"attributes": _LINKS, "clean_content_tags": {"script", "style", "figure"}},
    frozenset(): {"attributes": {}},
}


def _clean(value, tags=ALLOWED_TAGS):
    return nh3.clean(
        value,
        tags=set(tags),
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
        **_OPTIONS[tags],
    )


# An element other than the inline ones, in markup the sanitiser wrote (lower-case names).
_NOT_INLINE = re.compile(r"<(?!/?(?:a|em|strong|i|b|br)\b)[a-z]")


def _inline(markup, *, whole=False):
    """
    Text and inline elements only: any block inside is unwrapped, its text kept. `whole`: the
    markup is the content of one element the sanitiser wrote, so its tags are balanced.
    """
    if whole and not _NOT_INLINE.search(markup):
        # Balanced sanitiser output of inline elements only: cleaning it again changes nothing.
        return markup.strip()
    cleaned = _clean(markup, INLINE_TAGS)
    if _NOT_INLINE.search(markup):
        # Unwrapping a block can leave inline elements nested as no parser reads them back (a
        # link in a table cell in a link): read once more, as the next sanitising would.
        cleaned = _clean(cleaned, INLINE_TAGS)
    return cleaned.strip()


def _flow(markup, *, headings):
    """
    The blocks of the body (`headings`), or of a quote, where headings become paragraphs, no
    figure is kept and a table is its text.
    """
    blocks, run, items = [], [], []

    def end_run():
        if not any(piece.strip() for piece in run):
            run.clear()
            return
        pieces = (piece.strip() for piece in re.split(r"\n\s*\n", "".join(run)))
        blocks.extend(f"<p>{_inline(piece)}</p>" for piece in pieces if _inline(piece))
        run.clear()

    def end_items():
        if items:
            blocks.append(f"<ul>{''.join(items)}</ul>")
            items.clear()

    for kind, item in _top_level_items(markup):
        if kind == "#text" and not item.strip():
            run.append(item)
            continue
        if kind != "li":
            end_items()
        if kind == "li" or kind in BLOCK_TAGS:
            end_run()
        if kind == "li":
            # A list item outside any list joins its neighbours in one.
            items.append(f"<li>{_list_item(_inner(item))}</li>")
        elif kind in {"h2", "h3"} and headings or kind == "p":
            blocks.append(f"<{kind}>{_inline(_inner(item), whole=True)}</{kind}>")
        elif kind in {"h2", "h3"}:
            blocks.append(f"<p>{_inline(_inner(item), whole=True)}</p>")
        elif kind == "blockquote":
            # A pull quote stands in the body itself; quoted in a quote, it is a quote.
            pull = headings and item.startswith(f'<blockquote class="{PULL_QUOTE}">')
            start = f'<blockquote class="{PULL_QUOTE}">' if pull else "<blockquote>"
            blocks.append(f"{start}{''.join(_flow(_inner(item), headings=False))}</blockquote>")
        elif kind == "figure":
            figure = _figure(item) if headings else ""
            if figure:
                blocks.append(figure)
        elif kind == "table" and headings:
            table = tables.table(item, inline=_inline)
            if table:
                blocks.append(table)
        elif kind in {"ul", "ol"}:
            blocks.append(f"<{kind}>{_list(_inner(item))}</{kind}>")
        else:
            run.append(item)
    end_run()
    end_items()
    return blocks


def _list(markup):
    """The items of a list; anything between items becomes an item of its own."""
    items, run = [], []

    def end_run():
        if _inline("".join(run)):
            items.append(f"<li>{_inline(''.join(run))}</li>")
        run.clear()

    for kind, item in _top_level_items(markup):
        if kind == "li":
            end_run()
            items.append(f"<li>{_list_item(_inner(item))}</li>")
        elif kind in {"ul", "ol"}:
            end_run()
            items.append(f"<li><{kind}>{_list(_inner(item))}</{kind}></li>")
        else:
            run.append(item)
    end_run()
    return "".join(items)


def _list_item(markup):
    """A list item holds text, inline elements and nested lists."""
    parts, run = [], []
    for kind, item in _top_level_items(markup):
        if kind in {"ul", "ol"}:
            parts.append(_inline("".join(run)))
            run.clear()
            parts.append(f"<{kind}>{_list(_inner(item))}</{kind}>")
        else:
            run.append(item)
    parts.append(_inline("".join(run)))
    return "".join(parts)


class _TagCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.add(tag)


# Anything that could start an element's tag; when none names an element outside the allowed
# ones, the exact (slower) look is not needed.
_TAG_NAME = re.compile(r"<\s*/?\s*([a-zA-Z][^\s/>]*)")


def disallowed_tags(value, *, media=True):
    """Return the sorted element names in `value` that `sanitize()` would remove."""
    allowed = ALLOWED_TAGS if media else TEXT_TAGS
    names = {name.lower() for name in _TAG_NAME.findall(value or "")}
    if names <= allowed:
        return []
    collector = _TagCollector()
    collector.feed(value or "")
    collector.close()
    return sorted(collector.tags - allowed)


def _figure(markup):
    """
    A figure as the body keeps it: its photo's number or its embed's address, and its caption
    as text on one line; "" when it shows neither. Anything else in it goes.
    """
    found = _attributes(markup)
    if "data-photo" in found:
        media = f'data-photo="{found["data-photo"]}"'
    elif "data-embed" in found:
        media = f'data-embed="{found["data-embed"]}"'
    else:
        return ""
    caption = next(
        (item for kind, item in _top_level_items(_inner(markup)) if kind == "figcaption"), ""
    )
    text = " ".join(_clean(_inner(caption), frozenset()).split()) if caption else ""
    return f"<figure {media}>{f'<figcaption>{text}</figcaption>' if text else ''}</figure>"


@dataclass(frozen=True)
class Block:
    """One top-level element of a body, with what a page needs to show it."""

    tag: str
    html: str
    ad_slot_after: bool = False
    # A figure: the library photo it shows by number, or the video or post it embeds.
    photo_id: int | None = None
    embed: Embed | None = None
    # A figure's or a table's caption, as text.
    caption: str = ""
    # A table: its place among the body's tables, from 1.
    number: int = 0


def _block(tag, markup, *, ad_slot_after, number):
    if tag == "figure":
        found = _attributes(markup)
        caption = next(
            (item for kind, item in _top_level_items(_inner(markup)) if kind == "figcaption"),
            "",
        )
        photo_id = _photo_id(found.get("data-photo", ""))
        return Block(
            tag=tag,
            html=markup,
            ad_slot_after=ad_slot_after,
            photo_id=int(photo_id) if photo_id else None,
            embed=embed_for(unescape(found.get("data-embed", ""))),
            caption=_plain_text(caption),
        )
    if tag == "table":
        caption = next(
            (item for kind, item in _top_level_items(_inner(markup)) if kind == "caption"), ""
        )
        return Block(
            tag=tag,
            html=markup,
            ad_slot_after=ad_slot_after,
            caption=_plain_text(caption),
            number=number,
        )
    return Block(tag=tag, html=markup, ad_slot_after=ad_slot_after)


def split_blocks(value):
    """Return the top-level elements of sanitised HTML as (tag, html) pairs, in order."""
    return [(kind, markup) for kind, markup in _top_level_items(value) if kind in BLOCK_TAGS]


def blocks_with_ad_slots(value, *, first_after, every, min_paragraphs):
    """
    Return the body's blocks, marking those after which an advertisement slot goes.

    The first slot follows paragraph `first_after`, then one every `every` paragraphs. A slot
    only ever stands between two top-level paragraphs, so never inside or next to a heading,
    list or quote: when the counted paragraph is not followed by another, the slot moves down to
    the next gap between two paragraphs. Stories of fewer than `min_paragraphs` paragraphs get
    none; `first_after=0` turns slots off. Figures and tables are blocks like quotes: no slot
    stands next to one.
    """
    pairs = split_blocks(value)
    tags = [tag for tag, _ in pairs]
    slots = set()
    if first_after > 0 and tags.count("p") >= min_paragraphs:
        due, since_slot = first_after, 0
        for index, tag in enumerate(tags):
            if tag != "p":
                continue
            since_slot += 1
            next_tag = tags[index + 1] if index + 1 < len(tags) else None
            if since_slot >= due and next_tag == "p":
                slots.add(index)
                if every <= 0:
                    break
                due, since_slot = every, 0
    blocks, tables_seen = [], 0
    for index, (tag, markup) in enumerate(pairs):
        tables_seen += tag == "table"
        blocks.append(_block(tag, markup, ad_slot_after=index in slots, number=tables_seen))
    return blocks
