"""The site's own address: absolute URLs for code with or without a request."""

from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def absolute_url(path: str, request=None) -> str:
    """
    `path` as an absolute URL on this site: under NEWSROOM_SITE_URL when it is set (the
    public address, whatever host a request came through), else on the request's own host.
    Raises ImproperlyConfigured when neither is there (an import, a task, an export).
    """
    if settings.NEWSROOM_SITE_URL:
        return urljoin(settings.NEWSROOM_SITE_URL.rstrip("/") + "/", path.lstrip("/"))
    if request is not None:
        return request.build_absolute_uri(path)
    raise ImproperlyConfigured(
        "SITE_URL must be set (for example https://news.example.org) to build this site's "
        "addresses outside a request."
    )


def site_host(request=None) -> str:
    """The host name readers reach the site by: NEWSROOM_SITE_URL's, else the request's."""
    if settings.NEWSROOM_SITE_URL:
        return urlsplit(settings.NEWSROOM_SITE_URL).netloc
    if request is not None:
        return request.get_host()
    raise ImproperlyConfigured("SITE_URL must be set to name this site outside a request.")
