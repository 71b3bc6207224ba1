"""
Tables in an article body, in the one shape the sanitiser keeps: an optional caption, a head,
a body; cells holding text and inline elements (the editor's paragraphs in a cell become line
breaks); header cells always saying whether they head a column or a row; rows padded to the
same width, so that the table's grid is whole.
"""

from articles.html.markup import attributes, inner, top_level_items

SECTIONS = frozenset({"thead", "tbody"})
CELLS = frozenset({"th", "td"})
SCOPES = frozenset({"col", "row"})
# The widest span a cell may have; wider ones are written by mistake, not by an editor.
MAX_SPAN = 50
# Elements a cell's content is read from as separate lines.
_INLINE = frozenset({"#text", "a", "em", "strong", "i", "b", "br"})


def valid_span(value):
    """A colspan or rowspan worth keeping, as written; None for 1 (the default) or nonsense."""
    value = value.strip()
    if value.isascii() and value.isdigit() and 2 <= int(value) <= MAX_SPAN:
        return str(int(value))
    return None


def table(markup, *, inline):
    """
    The table in `markup` (a <table> element the sanitiser wrote) as the body keeps it; ""
    when it has no cell. `inline` makes markup text and inline elements only.
    """
    caption, head, body = "", [], []
    for kind, item in top_level_items(inner(markup)):
        if kind == "caption" and not caption:
            caption = inline(inner(item))
        elif kind in SECTIONS:
            (head if kind == "thead" else body).extend(_rows(inner(item), inline))
        elif kind == "tr":
            body.extend(_rows(item, inline))
    if not head and body and all(tag == "th" for tag, _, _ in body[0]):
        # A first row of header cells (as the editor makes them) is the table's head.
        head = [body.pop(0)]
    if not head and not body:
        return ""
    _pad(head + body)
    parts = ["<table>"]
    if caption:
        parts.append(f"<caption>{caption}</caption>")
    for section, rows, scope in (("thead", head, "col"), ("tbody", body, "row")):
        if rows:
            parts.append(f"<{section}>{''.join(_row(row, scope) for row in rows)}</{section}>")
    parts.append("</table>")
    return "".join(parts)


def _rows(markup, inline):
    """The rows in `markup`, each a list of (tag, attributes, content); rows with no cell go."""
    rows = []
    for kind, item in top_level_items(markup):
        if kind != "tr":
            continue
        cells = [
            (tag, attributes(cell), _cell(inner(cell), inline))
            for tag, cell in top_level_items(inner(item))
            if tag in CELLS
        ]
        if cells:
            rows.append(cells)
    return rows


def _cell(markup, inline):
    """A cell's content as text and inline elements, its blocks one per line."""
    lines, run = [], []
    for kind, item in top_level_items(markup):
        if kind in _INLINE:
            run.append(item)
            continue
        lines.append(inline("".join(run)))
        run.clear()
        lines.append(inline(item))
    lines.append(inline("".join(run)))
    return "<br>".join(line for line in lines if line)


def _pad(rows):
    """Rows padded with empty cells to the widest; not when a cell spans rows (rare, and its
    grid is the editor's own)."""
    if any("rowspan" in cell_attributes for row in rows for _, cell_attributes, _ in row):
        return
    widths = [sum(int(a.get("colspan", "1")) for _, a, _ in row) for row in rows]
    widest = max(widths)
    for row, width in zip(rows, widths, strict=True):
        row.extend(("td", {}, "") for _ in range(widest - width))


def _row(cells, scope):
    written = []
    for tag, cell_attributes, content in cells:
        names = ""
        if tag == "th":
            names += f' scope="{cell_attributes.get("scope") or scope}"'
        for name in ("colspan", "rowspan"):
            if name in cell_attributes:
                names += f' {name}="{cell_attributes[name]}"'
        written.append(f"<{tag}{names}>{content}</{tag}>")
    return f"<tr>{''.join(written)}</tr>"
