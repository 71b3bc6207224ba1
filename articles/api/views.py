"""
The Partner API's endpoints (docs/partner-api.md): one story, the list of stories newest
first, and the stories changed since a moment, oldest change first, for polling.

Each request is checked in one order: the method (GET or HEAD), the key, the rate limit, the
parameters; the first refusal is the answer, as JSON. Every answer is the partner's own:
`Cache-Control: private`, `Vary` on the key's headers; a 200 carries a strong ETag (its body's
digest), one story also its Last-Modified, and a client that has the same answer gets a 304.
"""

import hashlib
import json

from django.core.paginator import EmptyPage, Paginator
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Greatest
from django.http import HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.decorators import method_decorator
from django.utils.http import http_date, urlencode
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from articles.api import access, params
from articles.api.errors import ApiError, bad_parameter, not_found
from articles.models import Section, goes_live_at
from articles.syndication import article_ninjs
from newsroom.site import absolute_url

ALLOWED_METHODS = ("GET", "HEAD")


def changed_at():
    """
    When a story last changed for a partner: its last save, its going live (a scheduled story
    or an embargo's end reaches partners with no save), or a change to its lead photo.
    """
    return Greatest(
        F("modified_at"),
        goes_live_at(),
        Coalesce(F("lead_photo__updated_at"), F("modified_at")),
    )


def changed_since(moment):
    """
    The stories changed_at() may put at or after `moment`: each of its times by its own index,
    so a poll reads the stories that changed, never every story to compute the time.
    """
    return (
        Q(modified_at__gte=moment)
        | Q(publish_at__gte=moment)
        | Q(embargoed_until__gte=moment)
        | Q(lead_photo__updated_at__gte=moment)
    )


# Read-only, by key rather than by cookie: nothing to forge, and a POST gets its 405.
@method_decorator(csrf_exempt, name="dispatch")
class PartnerApiView(View):
    """A GET or HEAD by a partner's key, answered as JSON, with every error as JSON too."""

    http_method_names = ["get", "head"]

    def dispatch(self, request, *args, **kwargs):
        self.rate_headers = {}
        try:
            if request.method not in ALLOWED_METHODS:
                raise ApiError(
                    405,
                    "method_not_allowed",
                    "Only GET and HEAD: the Partner API is read-only.",
                    {"Allow": ", ".join(ALLOWED_METHODS)},
                )
            self.partner = access.request_partner(request)
            self.rate_headers = access.rate_headers(access.rate_checked(self.partner))
            response = super().dispatch(request, *args, **kwargs)
        except ApiError as error:
            response = error.response()
        return self.finished(response)

    def finished(self, response):
        for name, value in self.rate_headers.items():
            response[name] = value
        if response.status_code in (200, 304):
            patch_cache_control(response, private=True, no_cache=True)
        # Whatever a shared cache does, an answer to one key is never another's.
        patch_vary_headers(response, ["Authorization", "X-API-Key"])
        return response

    def ninjs(self, article, version):
        return article_ninjs(article, version=version, request=self.request)

    def answer(self, body, *, last_modified=None):
        """`body` as JSON, or 304 (or 412) when the client's copy is still this one."""
        content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        response = HttpResponse(content, content_type="application/json")
        response["ETag"] = f'"{hashlib.sha256(content).hexdigest()}"'
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified.timestamp())
        conditional = get_conditional_response(
            self.request,
            etag=response["ETag"],
            last_modified=last_modified and int(last_modified.timestamp()),
            response=response,
        )
        if conditional.status_code == 412:
            raise ApiError(
                412, "precondition_failed", "If-Match or If-Unmodified-Since does not hold here."
            )
        return conditional


class ArticleDetailView(PartnerApiView):
    """One published story in the key's scope, as a ninjs document."""

    def get(self, request, slug):
        version = params.detail_query(request.GET)
        found = access.visible_to(self.partner).for_detail().filter(slug=slug)[:1]
        article = next(iter(found), None)
        if article is None:
            raise not_found()
        changes = [article.modified_at, article.goes_live_at]
        if article.lead_photo_id:
            changes.append(article.lead_photo.updated_at)
        return self.answer(self.ninjs(article, version), last_modified=max(changes))


class ArticleListView(PartnerApiView):
    """
    The published stories in the key's scope: newest first, a page at a time; or, with
    `changed_since`, those changed since, oldest change first, to poll.
    """

    def get(self, request):
        query = params.list_query(request.GET)
        articles = access.visible_to(self.partner)
        if query.section is not None:
            articles = articles.filter(section=self.section(query.section))
        if query.changed_since is not None:
            return self.changes(articles, query)
        return self.page(articles, query)

    def section(self, slug):
        """
        The section of `slug` open to this key; 400 when there is none (missing and out of
        scope alike: the key's scope is not told).
        """
        sections = Section.objects.filter(slug=slug)
        if not self.partner.all_sections:
            sections = sections.filter(pk__in=access.sections_of(self.partner))
        section = next(iter(sections[:1]), None)
        if section is None:
            raise bad_parameter("section: no section of this slug is open to this key.")
        return section

    def page(self, articles, query):
        paginator = Paginator(articles.latest_first().for_detail(), query.per_page)
        try:
            page = paginator.page(query.page)
        except EmptyPage:
            raise not_found(f"There is no such page: the last is {paginator.num_pages}.") from None
        body = {
            "count": paginator.count,
            "page": page.number,
            "pages": paginator.num_pages,
            "per_page": query.per_page,
            "next": self.address(query, page=page.next_page_number()) if page.has_next() else None,
            "previous": (
                self.address(query, page=page.previous_page_number())
                if page.has_previous()
                else None
            ),
            "items": [self.ninjs(article, query.version) for article in page],
        }
        return self.answer(body)

    def changes(self, articles, query):
        since, after = query.changed_since, query.after
        moment = (
            Q(changed__gt=since) | Q(changed=since, slug__gt=after)
            if after
            else Q(changed__gte=since)
        )
        batch = list(
            articles.for_detail()
            .filter(changed_since(query.changed_since))
            .annotate(changed=changed_at())
            .filter(moment)
            .order_by("changed", "slug")[: query.per_page + 1]
        )
        more = len(batch) > query.per_page
        batch = batch[: query.per_page]
        if batch:
            since, after = batch[-1].changed, batch[-1].slug
        body = {
            "changed_since": query.changed_since.isoformat(),
            # Where to ask next: at once while `more` is true, at the next poll once it is not.
            "next": self.address(query, changed_since=since.isoformat(), after=after),
            "more": more,
            "items": [self.ninjs(article, query.version) for article in batch],
        }
        return self.answer(body)

    def address(self, query, **changed):
        """This list's address with `changed` parameters (None: left out), as given otherwise."""
        values = {**dict(query.given), **changed}
        kept = [(name, values[name]) for name in params.LIST_PARAMETERS if values.get(name)]
        path = reverse("api:article-list")
        return absolute_url(f"{path}?{urlencode(kept)}" if kept else path, self.request)
