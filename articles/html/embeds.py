"""
Videos and posts from other sites that an article body may embed: the addresses recognised,
the one address stored for each, and what a reader's page needs to show it. Pure: no settings,
no network.

Nothing from these sites reaches a reader's browser until the reader asks. Videos (YouTube,
Vimeo) then play in the provider's player that sets no tracking cookie until played
(youtube-nocookie.com; Vimeo with dnt=1), loaded by articles/embeds.js; the
Content-Security-Policy allows those two players as frames and nothing else from them. Posts (X,
Instagram, Bluesky, Mastodon) are links out: their own embeds run the provider's scripts in our
page, which the policy refuses.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

VIDEO = "video"
POST = "post"

# The player hosts the Content-Security-Policy's frame-src allows (newsroom/settings.py).
FRAME_ORIGINS = ("https://www.youtube-nocookie.com", "https://player.vimeo.com")

# Mastodon is many sites: posts are recognised on these, large or written for journalists.
MASTODON_HOSTS = frozenset(
    {
        "mastodon.social",
        "mastodon.online",
        "mastodon.world",
        "mstdn.social",
        "journa.host",
        "newsie.social",
        "fosstodon.org",
        "hachyderm.io",
        "infosec.exchange",
    }
)


@dataclass(frozen=True)
class Embed:
    """A recognised video or post, as a reader's page shows it."""

    provider: str  # the site's name, as readers know it: "YouTube"
    kind: str  # VIDEO or POST
    url: str  # the original's canonical address: what the body stores, and the link out
    player_url: str = ""  # a video's player, loaded when the reader asks; "" for a post
    author: str = ""  # "@name" when the address names the account


_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_SECONDS = re.compile(r"([0-9]{1,6})s?")
_VIMEO = re.compile(r"/(?:video/)?([0-9]{1,12})(?:/([0-9a-f]{6,20}))?/?")
_X_POST = re.compile(r"/([A-Za-z0-9_]{1,15})/status/([0-9]{1,20})/?")
_INSTAGRAM_POST = re.compile(r"/(p|reel|tv)/([A-Za-z0-9_-]{1,64})/?")
_BLUESKY_POST = re.compile(
    r"/profile/((?:did:plc:[a-z2-7]{24})|(?:[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}))"
    r"/post/([a-z2-7]{13})/?"
)
_MASTODON_POST = re.compile(r"/@([A-Za-z0-9_]{1,30})/([0-9]{1,20})/?")


def embed_for(address: str) -> Embed | None:
    """The video or post at `address`; None for anything else (another site, a profile, …)."""
    try:
        parts = urlsplit(address.strip())
        # Reading .port checks it; an address naming one is not a provider's public address.
        if parts.scheme not in ("http", "https") or parts.port or "@" in parts.netloc:
            return None
    except ValueError:
        return None
    host = (parts.hostname or "").removeprefix("www.").removeprefix("m.")
    query = parse_qs(parts.query)
    if host in ("youtube.com", "youtu.be", "youtube-nocookie.com"):
        return _youtube(host, parts.path, query)
    if host in ("vimeo.com", "player.vimeo.com"):
        return _vimeo(parts.path, query)
    if host in ("x.com", "twitter.com", "mobile.twitter.com"):
        match = _X_POST.fullmatch(parts.path)
        return match and Embed(
            "X",
            POST,
            f"https://x.com/{match[1]}/status/{match[2]}",
            author=f"@{match[1]}",
        )
    if host == "instagram.com":
        match = _INSTAGRAM_POST.fullmatch(parts.path)
        return match and Embed(
            "Instagram", POST, f"https://www.instagram.com/{match[1]}/{match[2]}/"
        )
    if host == "bsky.app":
        match = _BLUESKY_POST.fullmatch(parts.path)
        handle = match and match[1].lower()
        return match and Embed(
            "Bluesky",
            POST,
            f"https://bsky.app/profile/{handle}/post/{match[2]}",
            author="" if handle.startswith("did:") else f"@{handle}",
        )
    if host in MASTODON_HOSTS:
        match = _MASTODON_POST.fullmatch(parts.path)
        return match and Embed(
            "Mastodon",
            POST,
            f"https://{host}/@{match[1]}/{match[2]}",
            author=f"@{match[1]}@{host}",
        )
    return None


def _youtube(host, path, query):
    if host == "youtu.be":
        video = path.strip("/")
    elif path in ("/watch", "/watch/"):
        video = (query.get("v") or [""])[0]
    else:
        prefix, _, video = path.strip("/").partition("/")
        video = video if prefix in ("embed", "shorts", "live", "v") else ""
    if not _YOUTUBE_ID.fullmatch(video):
        return None
    start = _SECONDS.fullmatch((query.get("t") or query.get("start") or [""])[0])
    seconds = int(start[1]) if start and int(start[1]) else 0
    return Embed(
        "YouTube",
        VIDEO,
        f"https://www.youtube.com/watch?v={video}" + (f"&t={seconds}" if seconds else ""),
        player_url=f"https://www.youtube-nocookie.com/embed/{video}?autoplay=1"
        + (f"&start={seconds}" if seconds else ""),
    )


def _vimeo(path, query):
    match = _VIMEO.fullmatch(path)
    if not match:
        return None
    video, private = match[1], match[2] or (query.get("h") or [""])[0]
    if private and not re.fullmatch(r"[0-9a-f]{6,20}", private):
        private = ""
    return Embed(
        "Vimeo",
        VIDEO,
        f"https://vimeo.com/{video}" + (f"/{private}" if private else ""),
        # dnt=1: the player sets no tracking cookie and records no session data.
        player_url=f"https://player.vimeo.com/video/{video}?autoplay=1&dnt=1"
        + (f"&h={private}" if private else ""),
    )
