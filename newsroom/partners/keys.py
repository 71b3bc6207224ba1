"""
API keys: 256 random bits, URL-safe. Only a key's SHA-256 digest is stored. A slow password
hash is for secrets people choose; a key this random cannot be guessed from its digest, and
one fast hash lets a request find its partner by an indexed lookup, with nothing compared in
Python whose timing could tell how much of a guess was right.
"""

import hashlib
import re
import secrets

# secrets.token_urlsafe(32): 43 characters of A-Z a-z 0-9 - _.
KEY_BYTES = 32
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")
# The key's start, kept to tell keys apart in the admin and the audit log: 48 bits, too few to
# help anyone guess the rest.
PREFIX_LENGTH = 8


def key_make() -> str:
    """A new random key."""
    return secrets.token_urlsafe(KEY_BYTES)


def key_digest(key: str) -> str:
    """The stored form of `key`: its SHA-256 digest, in hex."""
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()


def key_prefix(key: str) -> str:
    """The start of `key` shown to staff to tell keys apart."""
    return key[:PREFIX_LENGTH]


def key_well_formed(key: str) -> bool:
    """Whether `key` looks like a key we issue (anything else is refused without a query)."""
    return bool(KEY_PATTERN.fullmatch(key))
