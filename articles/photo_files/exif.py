"""
EXIF (a TIFF structure) without its GPS IFD, edited in place: the pointer to the GPS IFD leaves
its IFD and the GPS IFD's bytes are zeroed, so every other offset stays valid and the camera
maker's notes, the thumbnail and the rights (Artist, Copyright) survive untouched.
"""

import struct
import warnings

from PIL import ExifTags, Image

HEADER = b"Exif\x00\x00"
_TIFF_ORDER = {b"II*\x00": "<", b"MM\x00*": ">"}
# Bytes per value of each TIFF field type; values of up to 4 bytes sit in the entry itself.
_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}


def without_location(payload):
    """An EXIF block without its GPS IFD; None when it cannot be read."""
    prefix = HEADER if payload.startswith(HEADER) else b""
    try:
        tiff = _tiff_without_gps(payload[len(prefix) :])
    except (struct.error, ValueError):
        return None
    return prefix + tiff if _pillow_reads(tiff) else None


def _tiff_without_gps(tiff):
    """The TIFF structure with each GPS IFD pointer removed and the IFD's bytes zeroed."""
    order = _TIFF_ORDER.get(tiff[:4])
    if order is None:
        raise ValueError("not a TIFF structure")
    data = bytearray(tiff)
    offset, seen = _u32(order, data, 4), set()
    # IFD0 and IFD1 (the thumbnail), the chain guarded against loops.
    while offset and offset not in seen and len(seen) < 4:
        seen.add(offset)
        count = _u16(order, data, offset)
        end = offset + 2 + 12 * count
        next_offset = bytes(data[end : end + 4])
        if len(next_offset) < 4:
            raise ValueError("an IFD runs past the end of the block")
        entries = [bytes(data[at : at + 12]) for at in range(offset + 2, end, 12)]
        kept = [entry for entry in entries if _u16(order, entry, 0) != ExifTags.IFD.GPSInfo]
        if len(kept) < count:
            for entry in entries:
                if _u16(order, entry, 0) == ExifTags.IFD.GPSInfo:
                    _erase_ifd(order, data, _u32(order, entry, 8))
            # The IFD keeps its place and length: the entries close up, zeros fill the end.
            block = struct.pack(order + "H", len(kept)) + b"".join(kept) + next_offset
            data[offset : end + 4] = block.ljust(end + 4 - offset, b"\x00")
        offset = struct.unpack(order + "I", next_offset)[0]
    return bytes(data)


def _erase_ifd(order, data, offset):
    """Zero an IFD and the values it points to, as far as they lie within the block."""
    if offset + 2 > len(data):
        return
    count = _u16(order, data, offset)
    end = min(offset + 2 + 12 * count + 4, len(data))
    for at in range(offset + 2, min(offset + 2 + 12 * count, len(data) - 11), 12):
        field_type, values = struct.unpack_from(order + "HI", data, at + 2)
        size = _TYPE_SIZES.get(field_type, 1) * values
        if size > 4:
            start = _u32(order, data, at + 8)
            data[start : start + size] = bytes(len(data[start : start + size]))
    data[offset:end] = bytes(end - offset)


def _pillow_reads(tiff):
    """True when Pillow reads the block and its sub-IFDs: what renditions will do with it."""
    try:
        with warnings.catch_warnings():
            # A skipped odd tag is Pillow's warning, not an unreadable block.
            warnings.simplefilter("ignore")
            exif = Image.Exif()
            exif.load(tiff)
            dict(exif)
            exif.get_ifd(ExifTags.IFD.Exif)
            exif.get_ifd(ExifTags.IFD.IFD1)
    except Exception:
        # Pillow's TIFF reader raises whatever damaged bytes trip it up (struct, type, key
        # errors and more); such a block is dropped rather than stored.
        return False
    return True


def _u16(order, data, at):
    return struct.unpack_from(order + "H", data, at)[0]


def _u32(order, data, at):
    return struct.unpack_from(order + "I", data, at)[0]
