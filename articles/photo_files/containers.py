"""
The image containers, walked block by block: a JPEG's segments up to its first picture's end,
a PNG's chunks, a WebP's RIFF chunks. Their EXIF and XMP are edited (articles.photo_files.exif,
.xmp); the picture data is copied byte for byte.
"""

import re
import struct
import zlib

from PIL import PngImagePlugin

from articles.photo_files import exif, xmp


class DamagedFile(ValueError):
    """An image file whose structure cannot be followed to its end."""


_XMP_JPEG = b"http://ns.adobe.com/xap/1.0/\x00"
_PHOTOSHOP = b"Photoshop 3.0\x00"
# The application segments kept, by marker, and the identifiers they start with.
_JPEG_KEPT = {
    0xE0: (b"JFIF\x00", b"JFXX\x00"),
    0xE2: (b"ICC_PROFILE\x00",),
    0xEE: (b"Adobe",),
}
# Where entropy-coded data ends: a marker other than a stuffed 0xFF00 or a restart marker.
_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
# Photoshop resources that hold a copy of the EXIF or XMP.
_IRB_LOCATION = {0x0422, 0x0423, 0x0424}


def jpeg(data):
    """
    The JPEG's first picture: its segments up to the end-of-image marker, application segments
    kept only as _JPEG_KEPT and the EXIF, XMP and Photoshop ones edited; the entropy-coded data
    copied untouched. Raises DamagedFile.
    """
    out, at, size = [b"\xff\xd8"], 2, len(data)
    while at < size:
        if data[at] != 0xFF:
            # Bytes between segments, which decoders skip: not kept.
            at = data.find(b"\xff", at)
            if at < 0:
                break
            continue
        while at < size and data[at] == 0xFF:  # Fill bytes before a marker.
            at += 1
        if at >= size:
            break
        marker = data[at]
        at += 1
        if marker == 0xD9:
            # The end of the first picture: what follows (an MPO's other frames, a video) goes.
            out.append(b"\xff\xd9")
            break
        if marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7:
            out.append(bytes((0xFF, marker)))
            continue
        if at + 2 > size:
            raise DamagedFile("a JPEG segment is cut off")
        length = struct.unpack_from(">H", data, at)[0]
        if length < 2 or at + length > size:
            raise DamagedFile("a JPEG segment runs past the end of the file")
        payload, at = data[at + 2 : at + length], at + length
        if 0xE0 <= marker <= 0xEF:
            payload = _jpeg_application(marker, payload)
        if payload is not None:
            out.append(bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload)
        if marker == 0xDA:
            found = _MARKER.search(data, at)
            end = found.start() if found else size
            out.append(data[at:end])
            at = end
    return b"".join(out)


def _jpeg_application(marker, payload):
    """An application segment's payload as stored; None when it is dropped."""
    if marker == 0xE1 and payload.startswith(exif.HEADER):
        return exif.without_location(payload)
    if marker == 0xE1 and payload.startswith(_XMP_JPEG):
        packet = xmp.without_location(payload[len(_XMP_JPEG) :])
        return None if packet is None else _XMP_JPEG + packet
    if marker == 0xED and payload.startswith(_PHOTOSHOP):
        return _PHOTOSHOP + _photoshop_resources(payload[len(_PHOTOSHOP) :])
    return payload if payload.startswith(_JPEG_KEPT.get(marker, ())) else None


def _photoshop_resources(data):
    """Photoshop's resources (IIM among them) without its copies of the EXIF and XMP."""
    kept, at = [], 0
    while data[at : at + 4] == b"8BIM" and at + 7 <= len(data):
        resource_id = struct.unpack_from(">H", data, at + 4)[0]
        name_length = data[at + 6]
        size_at = at + 6 + name_length + 1 + (name_length + 1) % 2
        if size_at + 4 > len(data):
            break
        size = struct.unpack_from(">I", data, size_at)[0]
        end = size_at + 4 + size + size % 2
        if end > len(data) + size % 2:
            break
        if resource_id not in _IRB_LOCATION:
            kept.append(data[at:end])
        at = end
    # What follows the last whole resource is read by no one: not kept.
    return b"".join(kept)


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_XMP = b"XML:com.adobe.xmp"
# ImageMagick's hex-encoded profiles, which Pillow reads as EXIF and XMP too.
_RAW_PROFILES = {
    b"Raw profile type exif": "exif",
    b"Raw profile type APP1": "exif",
    b"Raw profile type xmp": "xmp",
}


def png(data):
    """The PNG's chunks up to IEND, EXIF and XMP ones edited with a new CRC. Raises DamagedFile."""
    out, at = [PNG_SIGNATURE], len(PNG_SIGNATURE)
    while at + 12 <= len(data):
        length, kind = struct.unpack_from(">I4s", data, at)
        end = at + 12 + length
        if end > len(data):
            raise DamagedFile("a PNG chunk runs past the end of the file")
        body = data[at + 8 : end - 4]
        stored = _png_chunk(kind, body)
        if stored == body:
            out.append(data[at:end])
        elif stored is not None:
            crc = zlib.crc32(kind + stored)
            out.append(struct.pack(">I4s", len(stored), kind) + stored + struct.pack(">I", crc))
        at = end
        if kind == b"IEND":
            break  # Nothing after the end is kept.
    return b"".join(out)


def _png_chunk(kind, body):
    """A chunk's data as stored; None when it is dropped."""
    if kind == b"eXIf":
        return exif.without_location(body)
    if kind not in (b"tEXt", b"zTXt", b"iTXt"):
        return body
    keyword, _, rest = body.partition(b"\x00")
    what = "xmp" if keyword == _PNG_XMP else _RAW_PROFILES.get(keyword)
    if what is None:
        return body
    try:
        if kind == b"tEXt":
            header, compressed, text = b"", False, rest
        elif kind == b"zTXt":
            header, compressed, text = rest[:1], True, rest[1:]
        else:
            compressed = rest[:1] == b"\x01"
            language, _, rest = rest[2:].partition(b"\x00")
            translated, _, text = rest.partition(b"\x00")
            header = body[len(keyword) + 1 : len(keyword) + 3] + language + b"\x00"
            header += translated + b"\x00"
        if compressed:
            text = _inflate(text)
    except (zlib.error, ValueError):
        return None
    if keyword == _PNG_XMP:
        edited = xmp.without_location(text)
    else:
        edited = _raw_profile_without_location(text, what)
    if edited is None:
        return None
    if edited == text:
        return body
    return keyword + b"\x00" + header + (zlib.compress(edited) if compressed else edited)


def _inflate(data):
    """Decompressed text, refused past Pillow's own limit for text chunks."""
    inflater = zlib.decompressobj()
    text = inflater.decompress(data, PngImagePlugin.MAX_TEXT_CHUNK)
    if inflater.unconsumed_tail:
        raise ValueError("a text chunk decompresses to more than Pillow reads")
    return text


def _raw_profile_without_location(text, what):
    """An ImageMagick profile ("\\nexif\\n  length\\nhex…") edited; None when unreadable."""
    lines = text.split(b"\n")
    try:
        payload = bytes.fromhex(b"".join(lines[3:]).decode("ascii"))
    except (ValueError, UnicodeDecodeError):
        return None
    edited = (exif.without_location if what == "exif" else xmp.without_location)(payload)
    if edited is None:
        return None
    if edited == payload:
        return text
    digits = edited.hex().encode("ascii")
    rows = [digits[at : at + 72] for at in range(0, len(digits), 72)]
    return b"\n".join([b"", lines[1], b"%8d" % len(edited), *rows, b""])


# The VP8X flags saying that an EXIF or XMP chunk is present.
_WEBP_FLAGS = {b"EXIF": 0x08, b"XMP ": 0x04}


def webp(data):
    """
    The WebP's RIFF chunks (each padded to an even length), EXIF and XMP edited, and the VP8X
    flags of a dropped one cleared. Raises DamagedFile.
    """
    end = 8 + struct.unpack_from("<I", data, 4)[0]
    if end > len(data):
        raise DamagedFile("the WebP file is shorter than it says")
    chunks, dropped, at = [], 0, 12
    while at + 8 <= end:
        kind, size = struct.unpack_from("<4sI", data, at)
        body_end = at + 8 + size
        if body_end > end:
            raise DamagedFile("a WebP chunk runs past the end of the file")
        body = data[at + 8 : body_end]
        if kind == b"EXIF":
            stored = exif.without_location(body)
        elif kind == b"XMP ":
            stored = xmp.without_location(body)
        else:
            stored = body
        if stored is None:
            dropped |= _WEBP_FLAGS[kind]
        else:
            chunks.append([kind, stored])
        at = body_end + size % 2
    if dropped:
        for chunk in chunks:
            if chunk[0] == b"VP8X":
                chunk[1] = bytes((chunk[1][0] & ~dropped,)) + chunk[1][1:]
    content = b"".join(
        struct.pack("<4sI", kind, len(body)) + body + b"\x00" * (len(body) % 2)
        for kind, body in chunks
    )
    return b"RIFF" + struct.pack("<I", 4 + len(content)) + b"WEBP" + content
