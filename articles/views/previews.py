"""
A story readers cannot see yet, opened through a shareable preview link by someone without an
account: shown as the staff preview shows it, until the link expires or is revoked.
"""

import logging
from contextlib import nullcontext

from django.db import DatabaseError, transaction
from django.http import Http404, HttpResponseRedirect
from django.utils.cache import add_never_cache_headers

from articles import services
from articles.models import PreviewLink
from articles.services import events
from articles.views.article import ArticleDetailView
from newsroom import db_router

logger = logging.getLogger(__name__)

# Every link that does not open (malformed, unknown, expired, revoked, its story deleted)
# answers the same 404: nothing tells them apart.
NOT_FOUND = "No page at this address."


class PreviewLinkView(ArticleDetailView):
    """
    The page at a preview link's address: the story as the staff preview shows it (whatever
    its status: draft, in review, scheduled, embargoed), marked "Preview". Kept by no cache
    (the page cache, a front cache, the browser's), indexed by no search engine, and its
    address, which is the secret, is given to no page the reader goes on to (no Referer). A
    story published since redirects to its public page. Opening the link is recorded in the
    audit log, once an hour at most.
    """

    def get(self, request, *args, **kwargs):
        with _primary_reads():
            # A malformed token costs no query; any other costs one, found or not.
            link = PreviewLink.objects.usable().for_token(kwargs["token"]).first()
            article = link and self.get_queryset().filter(pk=link.article_id).first()
            if article is None:
                raise Http404(NOT_FOUND)
            link.article = article
            if article.is_published:
                response = HttpResponseRedirect(article.get_absolute_url())
            else:
                self.object = article
                response = self.render_to_response(self.get_context_data(object=article))
        _opened(link, request)
        return _private(response)


def _primary_reads():
    """
    Reads inside go to the primary database, never to a replica (a transaction never goes to
    one: newsroom.db_router): a link revoked a moment ago must not open from a replica that has
    not heard of it yet, and the story shows its latest edit. Without replicas, no transaction
    is needed (and SQLite's would lock the database for writing).
    """
    return transaction.atomic() if db_router.replicas() else nullcontext()


def _opened(link, request):
    """Record the opening; a failure to is logged, and never costs the reader the page."""
    try:
        with events.door(events.Door.PREVIEW):
            services.preview_link_opened(link=link, ip_address=request.META.get("REMOTE_ADDR"))
    except DatabaseError:
        logger.exception("Opening of preview link %s not recorded", link.pk)


def _private(response):
    """For this visitor alone, and for no search engine; its address is sent to no other page."""
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
