"""
Deployment checks (`manage.py check --deploy`) that name the environment variable to set, in
place of Django's security.W004 and security.W008, which name settings an operator of this
project never edits (SILENCED_SYSTEM_CHECKS). Registered by newsroom.accounts; silent with DEBUG
on, as a development machine serves plain HTTP.
"""

from django.conf import settings
from django.core.checks import Tags, Warning, register

LOCAL_MEMORY_CACHE = "django.core.cache.backends.locmem.LocMemCache"


@register(Tags.security, deploy=True)
def https_check(app_configs, **kwargs):
    """HSTS and the redirect to HTTPS, with the variables that switch them on."""
    if settings.DEBUG:
        return []
    warnings = []
    if not settings.SECURE_HSTS_SECONDS:
        warnings.append(
            Warning(
                "Browsers are not told to use HTTPS only (no Strict-Transport-Security header).",
                hint="Set SECURE_HSTS_SECONDS (e.g. 31536000, a year) once the whole site is "
                "served over HTTPS: browsers remember it for that long.",
                id="newsroom.W001",
            )
        )
    if not settings.SECURE_SSL_REDIRECT and settings.SECURE_PROXY_SSL_HEADER is None:
        warnings.append(
            Warning(
                "Requests over plain HTTP are not redirected to HTTPS, and Django cannot tell "
                "which requests came over HTTPS.",
                hint="Set SECURE_SSL_REDIRECT=true, or BEHIND_TLS_PROXY=true if a proxy "
                "terminates TLS (then the proxy redirects plain HTTP, or set both).",
                id="newsroom.W002",
            )
        )
    return warnings


@register(Tags.security, deploy=True)
def sign_in_check(app_configs, **kwargs):
    """What protects staff sign-in: the lockout's idea of an address, and the second factor."""
    if settings.DEBUG:
        return []
    warnings = []
    if settings.SECURE_PROXY_SSL_HEADER is not None and not settings.NEWSROOM_TRUSTED_PROXY_COUNT:
        warnings.append(
            Warning(
                "Behind a proxy, every sign-in seems to come from the proxy's address: a few "
                "failed sign-ins lock everyone out.",
                hint="Set TRUSTED_PROXY_COUNT=1 (the number of proxies in front of the site that "
                "add the client's address to X-Forwarded-For).",
                id="newsroom.W003",
            )
        )
    if not settings.NEWSROOM_TWO_FACTOR_REQUIRED_ROLES:
        warnings.append(
            Warning(
                "No role has to use two-factor authentication.",
                hint="Set TWO_FACTOR_REQUIRED_ROLES=Editor,Administrator (the default).",
                id="newsroom.W004",
            )
        )
    return warnings


@register(Tags.security, deploy=True)
def content_security_policy_check(app_configs, **kwargs):
    """A report-only policy is a step on the way, not a place to stay."""
    if settings.DEBUG or not settings.NEWSROOM_CSP_REPORT_ONLY:
        return []
    return [
        Warning(
            "The Content-Security-Policy is only reported, not enforced.",
            hint="Set CSP_REPORT_ONLY=false once browsers report no violations.",
            id="newsroom.W005",
        )
    ]


@register(Tags.caches, deploy=True)
def cache_check(app_configs, **kwargs):
    """A local-memory cache is one per process: gunicorn's workers would not share it."""
    if settings.DEBUG or settings.CACHES["default"]["BACKEND"] != LOCAL_MEMORY_CACHE:
        return []
    return [
        Warning(
            "The cache is local memory: each server process and task worker keeps its own, so "
            "one does not see what another made stale.",
            hint="Set CACHE_URL to a shared cache, e.g. redis://127.0.0.1:6379/0.",
            id="newsroom.W006",
        )
    ]
