"""
Reading markup the sanitiser wrote: well-formed, lower-case names, attribute values in double
quotes, "<" in text always escaped. Not a parser for anything else.
"""

import re
from html import unescape

# A start or end tag as the sanitiser writes them (it leaves "<" and ">" as they are inside
# attribute values, which the pattern reads whole).
TAG = re.compile(r'<(/?)([a-z][a-z0-9]*)(?:\s+[^\s"=<>/]+(?:="[^"]*")?)*\s*/?>')
VOID = frozenset({"br", "hr", "img", "wbr"})
_ATTRIBUTE = re.compile(r'\s([^\s"=<>/]+)(?:="([^"]*)")?')


def top_level_items(value):
    """
    The top-level items of the sanitiser's well-formed output as (kind, markup): each element
    whole, with its name as kind, and each run of text between elements as "#text".
    """
    items, depth, start, tag, text_start = [], 0, 0, None, 0
    for match in TAG.finditer(value):
        closing, name = match.group(1), match.group(2)
        if depth == 0 and not closing:
            if match.start() > text_start:
                items.append(("#text", value[text_start : match.start()]))
            if name in VOID:
                items.append((name, match.group(0)))
                text_start = match.end()
                continue
            start, tag = match.start(), name
        if name in VOID:
            continue
        depth += -1 if closing else 1
        if depth == 0 and closing:
            items.append((tag, value[start : match.end()]))
            text_start = match.end()
    if text_start < len(value) and depth == 0:
        items.append(("#text", value[text_start:]))
    return items


def inner(markup):
    """
    The content of one element's markup: a block, figure or table element, whose attribute
    values (a number, a word, an address the sanitiser wrote) never hold ">".
    """
    return markup[markup.index(">") + 1 : markup.rindex("</")]


def attributes(markup):
    """The attributes of the element `markup` starts with, by name, their values as written."""
    return {name: value or "" for name, value in _ATTRIBUTE.findall(TAG.match(markup).group(0))}


def plain_text(markup):
    """The text of `markup`, its tags dropped and its character references read."""
    return " ".join(unescape(TAG.sub("", markup)).split())
