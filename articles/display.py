"""
Presentation every output shares, so pages, feeds and exports print a thing the same way.
Pure: it reads what the caller already fetched.
"""


def byline_parts(groups) -> list[tuple[str, object]]:
    """
    The printed byline from `Article.byline`'s groups, as (words before, byline) pairs:
    "By " Angela Skujins, " with " AP; names in a group joined by ", " and a final " and ".
    """
    parts = []
    for number, (label, bylines) in enumerate(groups):
        for index, byline in enumerate(bylines):
            if index == 0:
                before = f"{label} " if number == 0 else f" {label.lower()} "
            else:
                before = " and " if index == len(bylines) - 1 else ", "
            parts.append((before, byline))
    return parts


def byline_text(groups, *, lead_word=True) -> str:
    """The printed byline as text; without `lead_word`, as one author name: "A and B with AP"."""
    text = "".join(f"{before}{byline.name}" for before, byline in byline_parts(groups))
    if not lead_word and groups:
        text = text.removeprefix(f"{groups[0][0]} ")
    return text
