"""
Who is asking, and what they may read: the partner whose key came with the request, and the
published stories in its scope.

A key comes as `Authorization: Bearer <key>` (RFC 6750) or as `X-API-Key: <key>`. A missing
key, a malformed one, an unknown one and a revoked one are all refused with 401; the last three
with the same message, so that nothing tells a revoked key from one that never existed.
"""

from articles.api.errors import REALM, ApiError
from articles.models import Article
from newsroom.partners.models import Partner
from newsroom.partners.throttle import Allowance, partner_rate_check

MISSING = "An API key is needed: send it as Authorization: Bearer <key> (or as X-API-Key: <key>)."
INVALID = "This API key is not valid: it is unknown, or it has been revoked."


def request_key(request) -> str:
    """The key sent with `request`; raises ApiError when there is none or it is not readable."""
    authorization = request.META.get("HTTP_AUTHORIZATION", "").strip()
    header_key = request.META.get("HTTP_X_API_KEY", "").strip()
    bearer = None
    if authorization:
        scheme, _, credentials = authorization.partition(" ")
        if scheme.lower() != "bearer":
            raise ApiError(
                401,
                "key_missing",
                "Authorization must use the Bearer scheme: Authorization: Bearer <key>.",
                {"WWW-Authenticate": REALM},
            )
        bearer = credentials.strip()
        if not bearer:
            raise _invalid()
    if bearer is not None and header_key and header_key != bearer:
        raise ApiError(
            400,
            "key_conflict",
            "Two different keys were sent (Authorization and X-API-Key): send one.",
        )
    key = bearer or header_key
    if not key:
        raise ApiError(401, "key_missing", MISSING, {"WWW-Authenticate": REALM})
    return key


def request_partner(request) -> Partner:
    """The active partner whose key came with `request`; raises ApiError (401) otherwise."""
    key = request_key(request)
    partner = next(iter(Partner.objects.for_key(key)[:1]), None)
    if partner is None:
        raise _invalid()
    return partner


def rate_checked(partner: Partner) -> Allowance:
    """Count the request against `partner`'s rate limit; raises ApiError (429) past it."""
    allowance = partner_rate_check(partner=partner)
    if not allowance.allowed:
        raise ApiError(
            429,
            "rate_limited",
            f"Too many requests: this key may make {allowance.limit} a minute. "
            f"Try again in {allowance.reset_seconds} seconds.",
            {"Retry-After": str(allowance.reset_seconds), **rate_headers(allowance)},
        )
    return allowance


def rate_headers(allowance: Allowance) -> dict:
    """The rate limit's headers: the limit, what is left of it, seconds until it starts again."""
    headers = {
        "X-RateLimit-Limit": str(allowance.limit),
        "X-RateLimit-Reset": str(allowance.reset_seconds),
    }
    if allowance.remaining is not None:
        headers["X-RateLimit-Remaining"] = str(allowance.remaining)
    return headers


def visible_to(partner: Partner):
    """The stories `partner` may read: published ones, in its sections unless it has all."""
    articles = Article.objects.published()
    if partner.all_sections:
        return articles
    return articles.filter(section__in=sections_of(partner))


def sections_of(partner: Partner):
    """The ids of `partner`'s chosen sections: a subquery, which costs no query of its own."""
    return Partner.sections.through.objects.filter(partner=partner).values("section_id")


def _invalid() -> ApiError:
    return ApiError(
        401, "key_invalid", INVALID, {"WWW-Authenticate": f'{REALM}, error="invalid_token"'}
    )
