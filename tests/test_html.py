import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles import html


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<p>Hi</p><script>alert(1)</script>", "<p>Hi</p>"),
        ('<p onclick="steal()">Hi</p>', "<p>Hi</p>"),
        ('<p><a href="javascript:alert(1)">x</a></p>', "<p><a>x</a></p>"),
        (
            '<p><a href="https://example.org/" target="_blank">x</a></p>',
            '<p><a href="https://example.org/">x</a></p>',
        ),
        ("<p>a<img src=x onerror=alert(1)>b</p>", "<p>ab</p>"),
        ("<style>p{color:red}</style><p>Hi</p>", "<p>Hi</p>"),
        ("<iframe src='https://example.org'></iframe><p>Hi</p>", "<p>Hi</p>"),
        ("<div><p>Nested</p></div>", "<p>Nested</p>"),
        ("<h1>Too big</h1>", "<p>Too big</p>"),
        ("<p>Unclosed <em>emphasis</p>", "<p>Unclosed <em>emphasis</em></p>"),
        ("<!-- note --><p>Hi</p>", "<p>Hi</p>"),
    ],
)
def test_sanitize_removes_what_articles_may_not_hold(dirty, clean):
    assert html.sanitize(dirty) == clean


def test_sanitize_keeps_the_allowed_elements():
    body = (
        "<h2>Sub</h2>\n<h3>Smaller</h3>\n<p><strong>B</strong> <em>I</em> "
        '<a href="https://example.org/" title="T">link</a></p>\n'
        "<blockquote><p>Quote</p></blockquote>\n<ul><li>One</li></ul>\n<ol><li>Two</li></ol>"
    )
    assert html.sanitize(body) == body


def test_sanitize_turns_loose_text_into_paragraphs():
    assert html.sanitize("First line\n\nSecond <em>line</em>\n<h2>Head</h2>tail") == (
        "<p>First line</p>\n<p>Second <em>line</em></p>\n<h2>Head</h2>\n<p>tail</p>"
    )


@pytest.mark.parametrize(
    "value",
    ["<p>a</p><p>b</p>", "loose &amp; text", "<ul><li>x</li></ul>", "<p>x</p><script>y</script>"],
)
def test_sanitize_is_idempotent(value):
    once = html.sanitize(value)
    assert html.sanitize(once) == once


def test_disallowed_tags_lists_what_sanitize_removes():
    assert html.disallowed_tags("<p>ok</p><script></script><IMG src=x><div></div>") == [
        "div",
        "img",
        "script",
    ]


def test_split_blocks_returns_top_level_elements_with_their_markup():
    body = '<h2>Head</h2>\n<p>One &amp; <a href="https://example.org/">two</a></p>\n<ul><li>x</li></ul>'
    assert html.split_blocks(body) == [
        ("h2", "<h2>Head</h2>"),
        ("p", '<p>One &amp; <a href="https://example.org/">two</a></p>'),
        ("ul", "<ul><li>x</li></ul>"),
    ]


def paragraphs(count):
    return "".join(f"<p>{number}</p>" for number in range(1, count + 1))


@pytest.mark.parametrize(
    ("body", "first_after", "every", "marked"),
    [
        (paragraphs(4), 1, 0, ["<p>1</p>"]),
        (paragraphs(4), 2, 0, ["<p>2</p>"]),
        (paragraphs(10), 1, 3, ["<p>1</p>", "<p>4</p>", "<p>7</p>"]),
        # Never before the last paragraph: a slot always has a paragraph on each side.
        (paragraphs(7), 1, 3, ["<p>1</p>", "<p>4</p>"]),
        # Never next to a heading, list or quote: the slot waits for two paragraphs in a row,
        # and the count to the next one starts where it landed.
        (
            "<p>1</p><h2>H</h2><p>2</p><ul><li>x</li></ul><p>3</p><p>4</p><p>5</p><p>6</p>",
            1,
            2,
            ["<p>3</p>", "<p>5</p>"],
        ),
        ("<p>1</p><blockquote><p>q</p></blockquote><p>2</p><p>3</p><p>4</p>", 1, 0, ["<p>2</p>"]),
        (paragraphs(6), 0, 2, []),
        # Short stories carry no advertising.
        (paragraphs(3), 1, 1, []),
        ("<p>1</p><blockquote><p>q</p><p>r</p><p>s</p></blockquote><p>2</p>", 1, 1, []),
    ],
)
def test_ad_slots_stand_between_two_paragraphs(body, first_after, every, marked):
    blocks = html.blocks_with_ad_slots(body, first_after=first_after, every=every, min_paragraphs=4)
    assert [block.html for block in blocks if block.ad_slot_after] == marked
    assert "".join(block.html for block in blocks) == body


FRAGMENTS = [
    "<p>",
    "</p>",
    "<h2>",
    "</h2>",
    "<h3>",
    "<ul>",
    "</ul>",
    "<ol>",
    "<li>",
    "</li>",
    "<blockquote>",
    "</blockquote>",
    "<em>",
    "</em>",
    "<strong>",
    "<br>",
    "<div>",
    "</div>",
    '<a href="https://example.org/">',
    '<a href="javascript:alert(1)">',
    "</a>",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<!-- c -->",
    "&amp;",
    "&#169;",
    "&lt;",
    "\n",
    "\n\n",
    "\r\n",
    "\u2028",
    "\x0c",
    "\x85",
    " ",
    "text",
    "Zürich",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=5)), max_size=30))
def test_sanitize_is_stable_and_keeps_only_blocks(parts):
    value = "".join(parts)

    once = html.sanitize(value)

    assert html.sanitize(once) == once
    assert html.disallowed_tags(once) == []
    assert "\n".join(markup for _, markup in html.split_blocks(once)) == once


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=5)), max_size=30))
def test_sanitize_shortcut_for_plain_paragraphs_agrees_with_the_full_path(parts):
    # Paragraphs and headings of text are sanitised without parsing (most bodies); whatever
    # the markup, the result is what the full block-by-block path makes of it.
    value = "".join(f"<p>{part}</p>" if index % 3 else part for index, part in enumerate(parts))
    cleaned = html._clean(value)

    assert html.sanitize(value) == "\n".join(html._flow(cleaned, headings=True))
