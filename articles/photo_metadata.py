"""
What a photo file says about itself: the description and rights that agencies and cameras
embed as IPTC-IIM and XMP, read with Pillow. Pure: nothing here writes or queries.

Where a file carries both, XMP is read first and IIM fills what XMP lacks, field by field. The
IPTC Photo Metadata Standard names XMP the primary container and IIM the legacy one, and tools
that still write IIM keep both in step; the Metadata Working Group's rule for the rare file
whose two copies disagree (an IIM digest check) is more than the desk needs.
"""

import re
import warnings
from dataclasses import asdict, dataclass
from datetime import datetime, time

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from PIL import Image, IptcImagePlugin

_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_PHOTOSHOP = "{http://ns.adobe.com/photoshop/1.0/}"
_IPTC_CORE = "{http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/}"
_XMP_RIGHTS = "{http://ns.adobe.com/xap/1.0/rights/}"
_PLUS = "{http://ns.useplus.org/ldf/xmp/1.0/}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# Each field's XMP property, the IPTC standard's mapping: (namespace, name).
_XMP = {
    "caption": (_DC, "description"),
    "creator": (_DC, "creator"),
    "credit_line": (_PHOTOSHOP, "Credit"),
    "copyright_notice": (_DC, "rights"),
    "alt_text": (_IPTC_CORE, "AltTextAccessibility"),
    # The IPTC standard's "Web Statement of Rights": schema.org's license.
    "license_url": (_XMP_RIGHTS, "WebStatement"),
}
# Its "Licensor URL" (inside the Licensor structure): schema.org's acquireLicensePage.
_XMP_LICENSOR_URL = f"{_PLUS}LicensorURL"
# Fields that are web addresses: kept only when they are one (http or https).
_ADDRESSES = ("license_url", "acquire_license_url")
_XMP_DATE_CREATED = (_PHOTOSHOP, "DateCreated")
# Each field's IIM dataset (record, number). Alt text has none.
_IIM = {
    "caption": (2, 120),
    "creator": (2, 80),
    "credit_line": (2, 110),
    "copyright_notice": (2, 116),
}
_IIM_DATE, _IIM_TIME, _IIM_CHARSET = (2, 55), (2, 60), (1, 90)
# strptime alone would read "1015" as 10:01:05.
_IIM_TIME_FORMAT = re.compile(r"\d{6}(?:[+-]\d{4})?")
_IIM_UTF8 = b"\x1b%G"  # ISO 2022 escape for UTF-8, the only charset IPTC still recommends.
_WEB_ADDRESS = re.compile(r"https?://[^\s<>\"]{1,192}", re.IGNORECASE)


@dataclass(frozen=True)
class PhotoMetadata:
    """The descriptive fields of a Photo as the file gives them; "" or None when it does not."""

    caption: str = ""
    creator: str = ""
    credit_line: str = ""
    copyright_notice: str = ""
    license_url: str = ""
    acquire_license_url: str = ""
    taken_at: datetime | None = None
    alt_text: str = ""

    def prefill(self, values):
        """The fields empty in `values` (a mapping of field names) that this file can fill."""
        return {
            name: value for name, value in asdict(self).items() if value and not values.get(name)
        }


def read(file):
    """
    The metadata embedded in an image, a path or an open file (left where it was). Never
    raises for a missing, damaged or odd block: it returns what it could read.
    """
    position = file.tell() if hasattr(file, "tell") else None
    try:
        with warnings.catch_warnings():
            # Reading headers decodes no pixel; the size limits are the validators' business.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                xmp, iim = _read_xmp(image), _read_iim(image)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return PhotoMetadata()
    finally:
        if position is not None:
            file.seek(position)
    fields = {name: _join(xmp.get(name)) or _join(iim.get(name)) for name in _XMP}
    fields["acquire_license_url"] = _join(xmp.get("acquire_license_url"))
    for name in _ADDRESSES:
        if not _WEB_ADDRESS.fullmatch(fields[name]):
            fields[name] = ""
    taken_at = _xmp_datetime(xmp.get("taken_at")) or _iim_datetime(iim.get("date"), iim.get("time"))
    return PhotoMetadata(taken_at=taken_at, **fields)


def _join(values):
    """Several values (creators) as one line; surrounding space and padding trimmed."""
    values = [value.strip(" \t\r\n\x00") for value in values or []]
    return ", ".join(value for value in values if value)


# XMP


def _read_xmp(image):
    """{field: [values]} from the file's XMP packet; {} without one or when it is not XML."""
    packet = image.info.get("xmp")
    if not packet:
        return {}
    try:
        # defusedxml: a packet is the uploader's text, so entity expansion and DTDs are refused.
        root = fromstring(packet)
    except (ParseError, DefusedXmlException, ValueError, TypeError):
        return {}
    properties = {**_XMP, "taken_at": _XMP_DATE_CREATED}
    found = {}
    for rdf in root.iter(f"{_RDF}RDF"):
        for description in rdf.iterfind(f"{_RDF}Description"):
            for name, (namespace, local) in properties.items():
                if name not in found:
                    values = _property(description, namespace + local)
                    if values:
                        found[name] = values
            if "acquire_license_url" not in found:
                values = [e.text or "" for e in description.iter(_XMP_LICENSOR_URL)] or [
                    e.get(_XMP_LICENSOR_URL) for e in description.iter() if e.get(_XMP_LICENSOR_URL)
                ]
                # The first licensor's address: one link is what a page can show.
                if any(value.strip() for value in values):
                    found["acquire_license_url"] = [next(v for v in values if v.strip())]
    return found


def _property(description, tag):
    """A property's values, written either as an attribute or as an element."""
    if description.get(tag) is not None:
        return [description.get(tag)]
    element = description.find(tag)
    if element is None:
        return []
    container = next(
        (child for child in element if child.tag in {f"{_RDF}Alt", f"{_RDF}Seq", f"{_RDF}Bag"}),
        None,
    )
    if container is None:
        return [element.text or ""]
    items = container.findall(f"{_RDF}li")
    if container.tag == f"{_RDF}Alt":
        # A language alternative: the default language, else the first one given.
        default = [item for item in items if item.get(_XML_LANG) == "x-default"]
        items = (default or items)[:1]
    return [item.text or "" for item in items]


def _xmp_datetime(values):
    """
    photoshop:DateCreated (ISO 8601: a date, or a date and a time with or without an offset)
    as an aware datetime; a year or a month alone says too little to place the picture.
    """
    text = _join(values)
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            moment = datetime.combine(day, time()) if day else None
    except ValueError:
        return None
    return _aware(moment)


# IPTC-IIM


def _read_iim(image):
    """{field: [values], "date": [..], "time": [..]} from the file's IIM block; {} without."""
    try:
        datasets = IptcImagePlugin.getiptcinfo(image) or {}
    except Exception:
        # Pillow's IIM parser raises whatever a damaged block trips over (struct, index, type
        # errors); a photo must still upload.
        return {}
    utf8 = _first(datasets.get(_IIM_CHARSET)) == _IIM_UTF8
    found = {}
    for name, key in {**_IIM, "date": _IIM_DATE, "time": _IIM_TIME}.items():
        value = datasets.get(key)
        if value:
            found[name] = [_decode(item, utf8) for item in _as_list(value) if item]
    return found


def _as_list(value):
    return value if isinstance(value, list) else [value]


def _first(value):
    return _as_list(value)[0] if value else None


def _decode(data, utf8):
    """IIM text: UTF-8 when the file says so or when it decodes as such, else Windows Latin."""
    if utf8:
        return data.decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _iim_datetime(dates, times):
    """Date Created (CCYYMMDD) and Time Created (HHMMSS±HHMM) as an aware datetime."""
    date_text, time_text = _join(dates), _join(times)
    try:
        day = datetime.strptime(date_text, "%Y%m%d").date()
    except ValueError:
        return None
    moment = datetime.combine(day, time())
    if _IIM_TIME_FORMAT.fullmatch(time_text):
        try:
            pattern = "%H%M%S%z" if len(time_text) > 6 else "%H%M%S"
            moment = datetime.combine(day, datetime.strptime(time_text, pattern).timetz())
        except ValueError:
            pass  # 25 o'clock: the day alone is still right.
    return _aware(moment)


def _aware(moment):
    """`moment` with its own offset, or placed in the site's time zone when it has none."""
    if moment is None or timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment, timezone.get_default_timezone())
