"""Cards of articles in lists, each kept built as a fragment (caching.fragments)."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from articles import caching
from articles.models import Article
from articles.models.loading import loaded_with

register = template.Library()

CARD_TEMPLATE = "articles/includes/card.html"


@register.simple_tag
def cards(articles, heading_level=2, show_photo=True, loading=None, photo_sizes=None):
    """
    The cards of `articles` (a list of articles or of their ids, or one article), in order;
    see card.html for the options. Only the articles' ids are read: cards not kept, or stale,
    are built from their articles loaded afresh together, in a fixed number of queries.
    """
    if isinstance(articles, Article | int):
        articles = [articles]
    ids = [getattr(item, "pk", item) for item in articles]
    built = _cards(ids, heading_level, show_photo, loading, photo_sizes)
    return mark_safe("".join(built[pk] for pk in ids))


@register.simple_tag
def card_groups(groups, heading_level=2, show_photo=True, loading=None, photo_sizes=None):
    """
    (what, cards) for each (what, articles) of `groups`, every group's cards found or built
    together (see cards()): the rails of a front, say, in a fixed number of queries.
    """
    groups = [(what, [getattr(item, "pk", item) for item in items]) for what, items in groups]
    built = _cards(
        [pk for _, ids in groups for pk in ids], heading_level, show_photo, loading, photo_sizes
    )
    return [(what, mark_safe("".join(built[pk] for pk in ids))) for what, ids in groups]


def _cards(ids, heading_level, show_photo, loading, photo_sizes):
    """Each article's card HTML, by id (one card for an id listed twice)."""
    options = {
        "heading_level": heading_level,
        "show_photo": show_photo,
        "loading": loading,
        "photo_sizes": photo_sizes,
    }
    variant = caching.fragment_name("card", *options.values())
    names = {f"{variant}:{pk}": pk for pk in ids}

    def build(stale):
        loaded = Article.objects.for_listing().in_bulk([names[name] for name in stale])
        built = {}
        for name in stale:
            article = loaded.get(names[name])
            if article is None:
                # Deleted since it was listed: its key, which the deletion made stale, keeps
                # this empty card from being kept.
                built[name] = ("", {("articles.article", names[name])})
            else:
                context = {"article": article, **options}
                built[name] = (render_to_string(CARD_TEMPLATE, context), loaded_with(article))
        return built

    # Each card is a template's output, escaped as it was rendered.
    html = caching.fragments(list(names), build)
    return {pk: html[name] for name, pk in names.items()}
