"""
Article body HTML: sanitising (a thin wrapper over nh3, the Ammonia sanitiser) and splitting
the body into top-level blocks so templates can place things between paragraphs.

Pure functions: no database, no settings.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3

ALLOWED_TAGS = frozenset(
    {"p", "h2", "h3", "blockquote", "ul", "ol", "li", "a", "em", "strong", "i", "b", "br"}
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
BLOCK_TAGS = frozenset({"p", "h2", "h3", "blockquote", "ul", "ol"})
INLINE_TAGS = frozenset({"a", "em", "strong", "i", "b", "br"})


def sanitize(value):
    """
    Return `value` with every element, attribute and URL scheme outside the allow-list
    removed, in a canonical structure: a sequence of blocks, one per line; loose text gathered
    into paragraphs (a blank line starts a new one); headings and paragraphs holding only text
    and inline elements; list items inside lists. Sanitising the result changes nothing.
    """
    if not value:
        return ""
    cleaned = _clean(value)
    blocks = _plain_blocks(cleaned)
    return "\n".join(_flow(cleaned, headings=True) if blocks is None else blocks)


# The sanitiser's block-level tags (they carry no attributes).
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


def _clean(value, tags=ALLOWED_TAGS):
    return nh3.clean(
        value,
        tags=set(tags),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )


def _inner(markup):
    """The content of one element's markup (allowed block elements carry no attributes)."""
    return markup[markup.index(">") + 1 : markup.rindex("</")]


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
    return _clean(markup, INLINE_TAGS).strip()


def _flow(markup, *, headings):
    """The blocks of the body (or of a quote, where headings become paragraphs)."""
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
            blocks.append(
                f"<blockquote>{''.join(_flow(_inner(item), headings=False))}</blockquote>"
            )
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


def disallowed_tags(value):
    """Return the sorted element names in `value` that `sanitize()` would remove."""
    names = {name.lower() for name in _TAG_NAME.findall(value or "")}
    if names <= ALLOWED_TAGS:
        return []
    collector = _TagCollector()
    collector.feed(value or "")
    collector.close()
    return sorted(collector.tags - ALLOWED_TAGS)


@dataclass(frozen=True)
class Block:
    tag: str
    html: str
    ad_slot_after: bool = False


# A start or end tag as the sanitiser writes them: lower-case names, attribute values in double
# quotes (in which it leaves "<" and ">" as they are); "<" in text is always escaped.
_TAG = re.compile(r'<(/?)([a-z][a-z0-9]*)(?:\s+[^\s"=<>/]+(?:="[^"]*")?)*\s*/?>')
_VOID = frozenset({"br", "hr", "img", "wbr"})


def _top_level_items(value):
    """
    The top-level items of the sanitiser's well-formed output as (kind, markup): each element
    whole, with its name as kind, and each run of text between elements as "#text".
    """
    items, depth, start, tag, text_start = [], 0, 0, None, 0
    for match in _TAG.finditer(value):
        closing, name = match.group(1), match.group(2)
        if depth == 0 and not closing:
            if match.start() > text_start:
                items.append(("#text", value[text_start : match.start()]))
            if name in _VOID:
                items.append((name, match.group(0)))
                text_start = match.end()
                continue
            start, tag = match.start(), name
        if name in _VOID:
            continue
        depth += -1 if closing else 1
        if depth == 0 and closing:
            items.append((tag, value[start : match.end()]))
            text_start = match.end()
    if text_start < len(value) and depth == 0:
        items.append(("#text", value[text_start:]))
    return items


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
    none; `first_after=0` turns slots off.
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
    return [
        Block(tag=tag, html=markup, ad_slot_after=index in slots)
        for index, (tag, markup) in enumerate(pairs)
    ]
