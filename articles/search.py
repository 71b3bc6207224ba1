"""
Site search, the parts that are text: what a story's body says without its markup (what the
index holds), a reader's query made safe for SQLite's full-text index, and the snippet a
result shows, its matching words marked. Words match by their stem ("negotiations" finds
"negotiating"), in the language of SEARCH_CONFIG.

Pure functions: no database. The index itself: articles.services.search; the query:
ArticleQuerySet.search().
"""

import re
from bisect import bisect_right
from functools import cache, lru_cache
from html import unescape

import snowballstemmer
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# More words than this in a search add nothing but work for the database.
MAX_WORDS = 10
SNIPPET_WORDS = 30
# Letters and digits, with the apostrophes and hyphens inside a word.
_WORD = re.compile(r"\w+(?:['’-]\w+)*")
_TAG = re.compile(r"<[^>]*>")
# What a snippet counts and shows: the text's runs of non-space.
_TOKEN = re.compile(r"\S+")
# Tags between which words end: blocks and line breaks (inline ones may fall inside a word).
_BLOCK_TAG = re.compile(r"</?(?:p|h[1-6]|blockquote|ul|ol|li|br)\b[^>]*>")


def plain_text(markup: str) -> str:
    """
    The text of body markup as the sanitiser writes it (articles.html: no comments, scripts or
    attributes holding ">"), one space between blocks, no tags or entities.
    """
    spaced = _BLOCK_TAG.sub(" ", markup or "")
    return " ".join(unescape(_TAG.sub("", spaced)).split())


def query_words(query: str) -> list[str]:
    """The words of a reader's query (at most MAX_WORDS), lower-cased, in order."""
    return [word.lower() for word in _WORD.findall(query or "")][:MAX_WORDS]


def fts5_query(query: str) -> str | None:
    """
    The query as an SQLite FTS5 expression that finds stories holding every word: each word
    a quoted string, so nothing a reader types is read as FTS5 syntax. None without words.
    """
    words = query_words(query)
    return " ".join('"' + word.replace('"', '""') + '"' for word in words) or None


@cache
def _stemmer(language):
    try:
        return snowballstemmer.stemmer(language)
    except KeyError:
        return None


@lru_cache(maxsize=65536)
def stem(word: str, language: str) -> str:
    """The stem of a lower-cased word in `language` (a Snowball name: english, german …)."""
    stemmer = _stemmer(language)
    return stemmer.stemWord(word) if stemmer else word


def snippet(text: str, query: str, *, language: str, words: int = SNIPPET_WORDS) -> SafeString:
    """
    About `words` words of `text` around where the query's words meet most, escaped, each
    matching word in <mark>; the start of the text when none matches.
    """
    wanted = {stem(word, language) for word in query_words(query)}
    spans = [match.span() for match in _TOKEN.finditer(text)]
    tokens = [text[begin:end] for begin, end in spans]
    hits = [0] * len(tokens)
    if wanted:
        token_starts = [begin for begin, _ in spans]
        for found in _candidates(frozenset(found_stem[:2] for found_stem in wanted)).finditer(text):
            if stem(found.group().lower(), language) in wanted:
                hits[bisect_right(token_starts, found.start()) - 1] = 1
    count = best = sum(hits[:words])
    start = 0
    for first in range(1, len(tokens) - words + 1):
        count += hits[first + words - 1] - hits[first - 1]
        if count > best:
            best, start = count, first
    shown = [
        f"<mark>{escape(token)}</mark>" if hit else escape(token)
        for token, hit in zip(
            tokens[start : start + words], hits[start : start + words], strict=True
        )
    ]
    before = "… " if start > 0 else ""
    after = " …" if start + words < len(tokens) else ""
    return mark_safe(before + " ".join(shown) + after)


@lru_cache(maxsize=256)
def _candidates(starts):
    """
    The words of a text that begin like one of `starts` (a stem begins as its word does):
    the only ones worth stemming. A word is as query_words() reads it (within "well-known",
    "known" is no word of its own).
    """
    beginnings = "|".join(re.escape(start) for start in sorted(starts))
    return re.compile(rf"(?<![\w'’-])(?:{beginnings})\w*(?:['’-]\w+)*", re.IGNORECASE)
