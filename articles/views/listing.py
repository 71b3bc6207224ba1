"""
Lists of articles, paginated: which articles each page of a list holds, and how many the
list has, are kept until the list changes, and each card is kept built (templatetags.cards).
A list page built for a reader from what is kept reads nothing from the database.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.functional import cached_property

from articles import caching
from articles.models import Article
from articles.models.loading import loaded_with, loads_recorded
from articles.views.frame import framed_page


class ListingPaginator(Paginator):
    """
    Pages of articles found by id: the offset walks a listing index alone (no table rows, no
    sort), so deep pages stay nearly as fast as the first. A page's items are the ids of its
    articles, in order: their cards are kept built. With `kept_as` (a name, and the keys of
    the lists it is) each page's ids are kept too, until an article enters the list, leaves
    it from this page or one before, or a story goes live; and the list's count, until any
    article changes (one leaving the list from any page changes it).
    """

    def __init__(self, *args, kept_as=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept_as = kept_as

    @cached_property
    def count(self):
        if self.kept_as is None:
            return Paginator.count.func(self)
        list_name, keys = self.kept_as
        name = caching.fragment_name("count", *list_name)
        # Kept until any article changes, not only one of this list: one leaving the list from
        # a later page changes the count. The page itself says it shows the list (its keys),
        # not every article.
        return caching.fragments(
            [name],
            lambda stale: {name: (Paginator.count.func(self), (), (*keys, caching.ANY_ARTICLE))},
            recorded=False,
        )[name]

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if self.kept_as is None:
            items = self.rows(bottom, top)
        else:
            list_name, keys = self.kept_as
            name = caching.fragment_name("list", *list_name, bottom, top)
            items = caching.fragments(
                [name], lambda stale: {name: self.rows_kept(bottom, top, keys)}
            )[name]
        return self._get_page(items, number, self)

    def rows(self, bottom, top):
        """The items of the page running from `bottom` to `top`."""
        return list(self.object_list.values_list("pk", flat=True)[bottom:top])

    def rows_kept(self, bottom, top, keys):
        """
        The page's items, and what they depend on: the articles up to the page's end (one
        that leaves the list moves every later one up), or, past MAX_OBJECT_KEYS of them,
        any article at all.
        """
        if top > caching.MAX_OBJECT_KEYS:
            return self.rows(bottom, top), (), (*keys, caching.ANY_ARTICLE)
        ids = self.rows(0, top)
        return ids[bottom:], {("articles.article", pk) for pk in ids}, keys


class FullListingPaginator(ListingPaginator):
    """Pages of articles with everything a card shows, for pages building their cards anew."""

    def rows(self, bottom, top):
        ids = super().rows(bottom, top)
        rows = Article.objects.for_listing().in_bulk(ids)
        return [rows[pk] for pk in ids]


class PublishedArticlesMixin:
    """
    Lists start from published articles, newest first, paginated by id. A list of something
    (`list_of`: a section, an author …) has its page put together from a kept frame (the
    template rendered once per version of what it says of that thing) around the cards.
    """

    paginate_by = settings.NEWSROOM_ARTICLES_PER_PAGE
    paginator_class = ListingPaginator
    # (name, keys) of the list this page shows, when it is kept (see shows_lists()).
    kept_as = None
    # The context name of what the list is of, for a framed page; and its cards' heading level.
    list_of = None
    list_heading_level = 2

    def get_articles(self):
        return Article.objects.published().latest_first()

    def shows_lists(self, *keys, name=None):
        """
        The lists of articles this page shows (articles.caching.keys); with `name`, which
        tells this list from every other, its pages are kept until one of them changes.
        """
        keys = keys or (caching.ALL_ARTICLES,)
        caching.page_shows_lists(self.request, *keys)
        if name is not None:
            self.kept_as = (name, keys)

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        return self.paginator_class(
            queryset,
            per_page,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
            kept_as=self.kept_as,
            **kwargs,
        )

    def notices(self):
        """Parts of the page that only some lists have (names to HTML): none by default."""
        return {}

    def list_address(self, subject):
        """The address of the list's first page (its canonical address)."""
        return subject.get_absolute_url()

    def render_to_response(self, context, **response_kwargs):
        if self.list_of is None:
            return super().render_to_response(context, **response_kwargs)
        subject, page = context[self.list_of], context["page_obj"]
        parts = {
            **self.notices(),
            "list_canonical": render_to_string(
                "includes/canonical.html",
                {"request": self.request, "path": self.list_address(subject), "page": page.number},
            ),
            "list_items": render_to_string(
                "articles/includes/article_list.html",
                {
                    "articles": context["object_list"],
                    "page_obj": page,
                    "heading_level": self.list_heading_level,
                },
            ),
        }
        current = context.get("current_section")
        response = framed_page(
            self.template_name,
            parts,
            {"list_of": f"{subject._meta.label_lower}:{subject.pk}"},
            context={self.list_of: subject, "current_section": current},
            shows=frozenset(loaded_with(subject)),
        )
        # What the page cache checks an address's page number against.
        response.context_data = {"page_obj": page}
        return response


def kept_by_slug(queryset, slug):
    """
    The object of `queryset` with this slug, kept as a fragment until it changes (the list
    page of a section, say, reads it on every request); Http404 when there is none.
    """
    name = caching.fragment_name("object", queryset.model._meta.label_lower, slug)

    def build(stale):
        with loads_recorded() as loaded:
            found = get_object_or_404(queryset, slug=slug)
        return {name: (found, loaded)}

    return caching.fragments([name], build)[name]
