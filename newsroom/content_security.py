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

from csp.middleware import CSPMiddleware, PolicyParts
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


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the rich-text editor's hashes added to the policy."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        update = dict(parts.update or {})
        update["script-src"] = [*update.get("script-src", []), *import_map_hashes()]
        update["style-src"] = [*update.get("style-src", []), *EDITOR_STYLE_HASHES]
        parts.update = update
        return parts
