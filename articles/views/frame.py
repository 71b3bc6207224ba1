"""
A reader's page put together from parts kept built: the frame around them (base.html and the
template extending it) is rendered once per template, language and options, and kept as a
fragment like the parts, with what it shows (the navigation). Building the page is then
joining strings, not rendering templates.
"""

import re

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from articles import caching, metadata
from articles.models.loading import loads_recorded

# Where a part goes, as the frame is rendered: no template, part or setting writes a NUL.
_MARK = "\x00part:{}\x00"
_MARKED = re.compile("\x00part:([a-z_]+)\x00")


def framed_page(
    template_name: str,
    parts: dict[str, str],
    options: dict,
    *,
    context: dict | None = None,
    shows: frozenset = frozenset(),
) -> HttpResponse:
    """
    The page `template_name` renders with `parts` (names to HTML, safe as they are) and
    `options` (names to plain values that pick a frame: the section marked in the
    navigation, say). Parts are escaped as the template would escape them: text is text,
    and only what is marked safe (rendered markup) goes in as it is. The template is
    rendered as it would be for any reader: no request. `context` gives the frame objects
    (the section a list is of), told apart by `options` and shown by the rows `shows`
    ((model label, pk) pairs: the frame is made stale by a change to any of them).
    """
    name = caching.fragment_name("frame", template_name, *sorted(options.items()))

    def build(stale):
        # Marked safe, so that the template leaves them as they are (the parts are escaped
        # when they take their places).
        markers = {part: mark_safe(_MARK.format(part)) for part in parts}
        values = {
            "LANGUAGE_CODE": get_language(),
            **metadata.site_context(),
            **options,
            **(context or {}),
            **markers,
        }
        with loads_recorded() as loaded:
            markup = render_to_string(template_name, values)
        # Text, part name, text, part name … text.
        pieces = tuple(_MARKED.split(markup))
        if set(pieces[1::2]) != set(parts):
            raise ValueError(f"{template_name} does not show each of {sorted(parts)}")
        return {name: (pieces, loaded | shows)}

    pieces = caching.fragments([name], build)[name]
    return HttpResponse(
        "".join(
            conditional_escape(parts[piece]) if odd else piece
            for odd, piece in _alternating(pieces)
        )
    )


def _alternating(pieces):
    for index, piece in enumerate(pieces):
        yield index % 2 == 1, piece
