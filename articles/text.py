"""
Text as it enters the newsroom, made clean once at the door: the one normaliser every text
field passes through, whatever the door (form, import, wire, API), and the last line of
defence for outputs that must stay well-formed XML and valid HTML whatever is stored.

Pure functions: no database, no settings.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError

# Characters no text field keeps: C0 controls but tab and line breaks, DEL, C1 controls, and
# the noncharacters XML 1.0 forbids. Removed, not refused: they come from copy and paste and
# old wire systems, carry nothing a reader could see, and break feeds and sitemaps.
# (NEL, U+0085, is a C1 control but a line break too: it is treated as one.)
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
# In a one-line field (a headline, a name) line breaks and tabs become spaces; in others the
# rarer line breaks become "\n".
_LINE_BREAKS = re.compile("[\t\n\r\u2028\u2029\x85]+")
_OTHER_BREAKS = re.compile("[\u2028\u2029\x85]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Anything clean() would remove or replace (but trimming a one-line field).
_ODD = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff\ud800-\udfff]")
# Line endings become "\n", as browsers send them.
_CRLF = re.compile("\r\n?")
# What XML 1.0 does not allow, and the controls HTML calls errors: the output defence
# removes them.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
# The same characters in UTF-8 (surrogates as Python's "surrogatepass" writes them), found
# without decoding a page: the controls of one byte, then the rarer sequences.
_CONTROL_BYTES = bytes(range(0x00, 0x09)) + b"\x0b\x0c" + bytes(range(0x0E, 0x20)) + b"\x7f"
_C1_CONTROL_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")
_SURROGATE_UTF8 = re.compile(rb"\xed[\xa0-\xbf]")


def utf8_has_xml_illegal(data: bytes) -> bool:
    """Whether UTF-8 `data` holds a character XML_ILLEGAL matches (quicker than decoding)."""
    return (
        len(data.translate(None, _CONTROL_BYTES)) != len(data)
        or b"\xef\xbf\xbe" in data
        or b"\xef\xbf\xbf" in data
        or (b"\xc2" in data and _C1_CONTROL_UTF8.search(data) is not None)
        or (b"\xed" in data and _SURROGATE_UTF8.search(data) is not None)
    )


def clean(value: str, *, multiline: bool = True) -> str:
    """
    `value` normalised for storing: NFC, line endings as "\\n", control characters removed
    (and, with `multiline` False, line breaks and tabs as single spaces, the ends trimmed).
    Raises ValidationError (code "surrogate") for a lone surrogate: broken text, which cannot
    be stored or sent, and whose meaning cannot be guessed.
    """
    if not isinstance(value, str) or not value:
        return value
    if not _ODD.search(value) and (
        multiline or ("\n" not in value and "\t" not in value and value == value.strip())
    ):
        # Most text: nothing to remove, replace or trim; one search and it is done.
        return value if value.isascii() else unicodedata.normalize("NFC", value)
    if _SURROGATE.search(value):
        raise ValidationError(
            "This text holds broken characters (a lone UTF-16 surrogate); paste it again "
            "from its source.",
            code="surrogate",
        )
    value = _CONTROLS.sub("", _CRLF.sub("\n", value))
    breaks, joiner = (_OTHER_BREAKS, "\n") if multiline else (_LINE_BREAKS, " ")
    value = breaks.sub(joiner, value)
    if not multiline:
        value = value.strip()
    if not value.isascii():
        value = unicodedata.normalize("NFC", value)
    return value


def problem(value: str) -> str | None:
    """Why `value` cannot be stored at all (see clean()), or None."""
    try:
        clean(value)
    except ValidationError as error:
        return error.messages[0]
    return None


def xml_safe(value: str) -> str:
    """`value` with every character XML 1.0 forbids (and HTML's stray controls) removed."""
    return XML_ILLEGAL.sub("", value) if value else value
