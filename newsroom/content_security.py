"""
The Content-Security-Policy header (django-csp), allowing the two inline things the rich-text
editor in the admin needs, each by the hash of its exact content and never by 'unsafe-inline',
so that a script or style written into a page by anyone else is still refused:

- its import map (`<script type="importmap">`, which browsers treat as an inline script),
  hashed as our pages render it (its URLs depend on the static files storage);
- Tiptap's base styles, which django-prose-editor's editor.js adds as a `<style>` element.
  The hash is pinned to the django-prose-editor version in pyproject.toml; if an upgrade changes
  the styles, tests/test_csp.py's Chromium test fails and names the new hash.
"""

import base64
import hashlib
import re
from functools import cache

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django_prose_editor.widgets import importmap

INLINE_SCRIPT = re.compile(r"<script\b[^>]*>(.*)</script>", re.DOTALL)
EDITOR_STYLE_HASHES = ("'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='",)


def hash_source(content: str) -> str:
    """The CSP source that allows inline `content` (a script's or a style element's text)."""
    digest = base64.b64encode(hashlib.sha256(content.encode()).digest()).decode()
    return f"'sha256-{digest}'"


@cache
def import_map_hashes() -> tuple[str, ...]:
    """The hash sources of the import map our pages render, with its static URLs resolved."""
    return (hash_source(INLINE_SCRIPT.fullmatch(str(importmap)).group(1)),)


# What a response or request may carry to change its own policy (django-csp's decorators and
# its nonce): a response with none of them gets the site's policy as it stands.
_OWN_POLICY = (
    "_csp_exempt",
    "_csp_exempt_ro",
    "_csp_config",
    "_csp_config_ro",
    "_csp_update",
    "_csp_update_ro",
    "_csp_replace",
    "_csp_replace_ro",
)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """
    django-csp's middleware, with the rich-text editor's hashes added to the policy. The
    site's policy is the same header for every page that does not change its own: it is built
    once (again when a test changes the settings), not for each response.
    """

    def process_response(self, request, response):
        if (
            settings.DEBUG
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in _OWN_POLICY)
        ):
            return super().process_response(request, response)
        for header, value, excluded in _site_policy(self):
            if value and header not in response and not request.path_info.startswith(excluded):
                response[header] = value
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        update = dict(parts.update or {})
        update["script-src"] = [*update.get("script-src", []), *import_map_hashes()]
        update["style-src"] = [*update.get("style-src", []), *EDITOR_STYLE_HASHES]
        parts.update = update
        return parts


@cache
def _site_policy(middleware):
    """(header, value, excluded prefixes) of the site's policy, enforced and report-only."""
    found = []
    for header, report_only, setting in (
        (HEADER, False, "CONTENT_SECURITY_POLICY"),
        (HEADER_REPORT_ONLY, True, "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
    ):
        parts = middleware.get_policy_parts(None, None, report_only)
        value = build_policy(
            config=parts.config,
            update=parts.update,
            replace=parts.replace,
            nonce=parts.nonce,
            report_only=report_only,
        )
        excluded = tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ())
        found.append((header, value, excluded))
    return tuple(found)


def _settings_changed(**kwargs):
    _site_policy.cache_clear()


setting_changed.connect(_settings_changed)
