"""
Photo files as the library stores them: without the place the picture was taken. The original
under MEDIA_ROOT may be served publicly, so its precise coordinates are removed on the way in;
its rights (IPTC-IIM, XMP, EXIF Artist and Copyright), its textual place names (IPTC City,
Country: the location shown, which captions print anyway), its orientation and colour profile
stay. Nothing is re-encoded: the picture data is copied byte for byte, only metadata is edited.

- EXIF: the GPS IFD is erased in place (the pointer to it and its bytes), so every other offset
  stays valid and the camera maker's notes and the thumbnail survive.
- XMP: every property whose name starts with "GPS" (exif:GPSLatitude, the GPS fields of IPTC's
  LocationCreated and LocationShown, drones' GpsLatitude) is cut out of the packet's text.
- JPEG: only the first picture is kept (a phone's MPO second frame, a motion photo's video and
  other trailers go), with the segments a reader needs: JFIF, EXIF, XMP, ICC profile, IIM,
  Adobe and comments. Makers' private segments, some of which repeat the location, are dropped.
- PNG and WebP: their EXIF and XMP are edited likewise; other chunks are kept.

A metadata block that cannot be read is dropped whole (it cannot be shown to be free of a
location); a file whose structure cannot be followed raises DamagedFile. Pure: no storage here.
"""

from articles.photo_files import containers
from articles.photo_files.containers import DamagedFile

__all__ = ["DamagedFile", "read_stored", "stored_bytes"]


def stored_bytes(data: bytes) -> bytes:
    """
    The bytes the library stores for an image file's content: the same picture without its
    location. Content that is no JPEG, PNG or WebP is returned as it is; the same bytes come back
    for a file that has nothing to remove, and stored_bytes(stored_bytes(x)) == stored_bytes(x).
    Raises DamagedFile.
    """
    if data.startswith(b"\xff\xd8"):
        return containers.jpeg(data)
    if data.startswith(containers.PNG_SIGNATURE):
        return containers.png(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return containers.webp(data)
    return data


def read_stored(file) -> bytes:
    """stored_bytes() of a whole file (a Django File or a binary file object), left at its start."""
    file.seek(0)
    data = b"".join(file.chunks()) if hasattr(file, "chunks") else file.read()
    file.seek(0)
    return stored_bytes(data)
