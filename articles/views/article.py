"""The article page."""

from django.conf import settings
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.generic import DetailView

from articles import caching, metadata
from articles.models import Article, live_key
from articles.models.loading import loads_recorded
from articles.views.frame import framed_page
from articles.views.live import live_context, live_entries
from newsroom.site import absolute_url


def body_parts(article):
    """
    The body's blocks as its page shows them, each with the library photo it shows inline (or
    None): the photos are loaded in one query for all, recorded with the page (a changed
    caption or credit makes it stale).
    """
    photos = article.body_photos()
    return [(block, photos.get(block.photo_id)) for block in article.body_blocks]


class ArticleDetailView(DetailView):
    """
    The article page; staff also see unpublished articles, as a never-cached preview. A
    reader's page is put together from the article's parts kept built (caching.fragments), by
    its address: the database is read only when something they show has changed. An article
    stops being public only by a change, which makes them stale.
    """

    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get(self, request, *args, **kwargs):
        if self.may_preview():
            return super().get(request, *args, **kwargs)
        # The article and what it links to, all recorded as loaded; no list of articles.
        caching.page_shows_lists(request)
        slug = kwargs["slug"]
        # Absolute addresses in the head: parts kept for each public address the site has.
        name = caching.fragment_name("article", slug, absolute_url("/", request))
        title, head, main = caching.fragments([name], lambda stale: self.reader_parts(name, slug))[
            name
        ]
        return framed_page(
            self.template_name,
            {"article_title": title, "article_head": head, "article_main": main},
            {},
        )

    def reader_parts(self, name, slug):
        """The parts of a published article's page, and the rows they show; else Http404."""
        with loads_recorded() as loaded:
            # Among published articles only: a hidden article and a missing one are the same
            # one query finding nothing, the same 404, in the same time.
            article = Article.objects.published().for_detail().filter(slug=slug).first()
            if article is None:
                raise Http404("No published article at this address.")
            head, main = self.parts(article)
        if article.article_type == Article.Type.LIVE:
            # Its updates are shown by their own key: posting one leaves the story's cards kept.
            loaded.add((caching.SHOWN, live_key(article.pk)))
        return {name: ((article.title_for_search, head, main), loaded)}

    def get_queryset(self):
        # Staff previewing: any article, from the database every time.
        return Article.objects.for_detail()

    def get_object(self, queryset=None):
        try:
            return super().get_object(queryset)
        except Http404:
            raise Http404("No published article at this address.") from None

    def may_preview(self):
        user = self.request.user
        return user.is_active and user.is_staff and user.has_perm("articles.view_article")

    def get_context_data(self, **kwargs):
        article = self.object
        caching.page_shows_lists(self.request)
        head, main = self.parts(article)
        return super().get_context_data(
            article_title=article.title_for_search,
            article_head=head,
            article_main=main,
            is_preview=not article.is_published,
            **kwargs,
        )

    def parts(self, article):
        """The article's head and body HTML, as its page shows them."""
        request = self.request
        entries = live_entries(article)
        trail = [
            (settings.NEWSROOM_SITE_NAME, reverse("articles:home")),
            (article.section.name, article.section.get_absolute_url()),
            (article.headline, article.get_absolute_url()),
        ]
        body = body_parts(article)
        context = {
            "article": article,
            "body": body,
            "body_plays_videos": any(block.embed and block.embed.player_url for block, _ in body),
            "is_preview": not article.is_published,
            "request": request,
            "site_name": settings.NEWSROOM_SITE_NAME,
            "og_locale": metadata.og_locale(),
            "open_graph": metadata.article_open_graph(request, article),
            "live": live_context(article, entries),
            "json_ld": [
                metadata.article_json_ld(request, article, entries),
                metadata.breadcrumbs_json_ld(request, trail),
            ],
        }
        return (
            render_to_string("articles/includes/article_head.html", context),
            render_to_string("articles/includes/article_main.html", context),
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["is_preview"]:
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response
