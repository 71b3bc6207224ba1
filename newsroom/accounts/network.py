"""The address a sign-in came from, as the lockout counts it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address


def client_ip(request) -> str | None:
    """
    The client's IP address: REMOTE_ADDR, or behind NEWSROOM_TRUSTED_PROXY_COUNT proxies that
    each append to X-Forwarded-For, the entry that many from the right (the one the outermost
    proxy saw; those left of it are whatever the client sent). None when there is no valid one.
    """
    address = request.META.get("REMOTE_ADDR")
    proxies = settings.NEWSROOM_TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            entry.strip()
            for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if entry.strip()
        ]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        validate_ipv46_address(address or "")
    except ValidationError:
        return None
    return address
