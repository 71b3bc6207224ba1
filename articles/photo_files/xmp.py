"""
XMP without coordinates: every property whose name starts with "GPS" (exif:GPSLatitude, the GPS
fields of IPTC's LocationCreated and LocationShown, drones' GpsLatitude) is cut out of the
packet's text, so everything else stays exactly as written; place names in words stay.
"""

import bisect
import re
from xml.parsers import expat

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

_GPS_NAME = re.compile(rb"gps", re.IGNORECASE)
# An attribute in a start tag: matched one after another, so a value is never read as markup.
_ATTRIBUTE = re.compile(rb"""\s+([^\s=<>/"']+)\s*=\s*(?:"[^"]*"|'[^']*')""")


def without_location(packet):
    """An XMP packet without GPS properties; None when it mentions GPS but cannot be read."""
    if not _GPS_NAME.search(packet):
        return packet
    try:
        packet.decode("utf-8")
        fromstring(packet)  # defusedxml: no entity expansion, no DTD.
        cuts = _gps_spans(packet)
    except (UnicodeDecodeError, ParseError, DefusedXmlException, expat.ExpatError, ValueError):
        return None
    edited = bytearray(packet)
    for kind, start, end in sorted(cuts, key=lambda cut: cut[1], reverse=True):
        if kind == "element":
            # The indentation before the element goes with it.
            while start and edited[start - 1 : start].isspace():
                start -= 1
            del edited[start:end]
        else:
            edited[start:end] = _without_gps_attributes(bytes(edited[start:end]))
    edited = bytes(edited)
    return edited if _xmp_has_no_gps(edited) else None


def _gps_spans(packet):
    """
    ("element", start, end) of each outermost element named GPS…, and ("tag", start, end) of
    each other start tag that has an attribute so named: byte offsets, from expat's events.
    """
    parser = expat.ParserCreate()
    events = []  # (byte offset, "start" | "end" | "", element name)

    def on(kind):
        return lambda name="", *args: events.append((parser.CurrentByteIndex, kind, name))

    parser.StartElementHandler = on("start")
    parser.EndElementHandler = on("end")
    for handler in (
        "CharacterDataHandler",
        "ProcessingInstructionHandler",
        "CommentHandler",
        "StartCdataSectionHandler",
        "EndCdataSectionHandler",
        "DefaultHandler",
    ):
        setattr(parser, handler, on(""))
    parser.Parse(packet, True)
    offsets = sorted({offset for offset, _, _ in events}) + [len(packet)]

    def tag_end(start):
        """Where the tag starting at `start` ends: where the next event begins."""
        return offsets[bisect.bisect_right(offsets, start)]

    spans, open_cut, depth = [], None, 0
    for offset, kind, name in events:
        if kind == "start":
            depth += 1
            if open_cut is None and _is_gps(name):
                open_cut = (offset, depth)
            elif open_cut is None:
                tag = packet[offset : tag_end(offset)]
                if _without_gps_attributes(tag) != tag:
                    spans.append(("tag", offset, tag_end(offset)))
        elif kind == "end":
            if open_cut is not None and open_cut[1] == depth:
                start = open_cut[0]
                # An end tag ends at its ">"; an empty element is its start tag.
                closing = packet.startswith(b"</", offset)
                end = packet.index(b">", offset) + 1 if closing else tag_end(start)
                spans.append(("element", start, end))
                open_cut = None
            depth -= 1
    return spans


def _without_gps_attributes(tag):
    """A start tag without its attributes named GPS…; namespace declarations stay."""

    def keep(attribute):
        name = attribute[1].decode("utf-8")
        return b"" if _is_gps(name) and not name.startswith("xmlns") else attribute[0]

    return _ATTRIBUTE.sub(keep, tag)


def _xmp_has_no_gps(packet):
    """True when the packet parses and no element or attribute is named GPS…."""
    try:
        root = fromstring(packet)
    except (ParseError, DefusedXmlException, ValueError):
        return False
    return not any(
        _is_gps(name) for element in root.iter() for name in (element.tag, *element.attrib)
    )


def _is_gps(name):
    """A qualified or Clark name ("exif:GPSLatitude", "{ns}GPSLatitude") whose local part is GPS…"""
    local = name.rsplit("}", 1)[-1].rsplit(":", 1)[-1]
    return local[:3].lower() == "gps"
