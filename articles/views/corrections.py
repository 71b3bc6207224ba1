"""The corrections page: every correction of a story readers may see, newest first."""

from django.conf import settings
from django.views.generic import ListView

from articles import caching
from articles.models import Correction
from articles.views.listing import ListingPaginator


class CorrectionPaginator(ListingPaginator):
    """
    Pages of corrections found by id, like lists of articles: the offset walks ids alone, and
    only the page's corrections are read, each with its story and the story's section.
    """

    def rows(self, bottom, top):
        ids = super().rows(bottom, top)
        rows = Correction.objects.select_related("article__section").in_bulk(ids)
        return [rows[pk] for pk in ids]


class CorrectionListView(ListView):
    """Corrections of published stories, newest first, each linking to the story it corrects."""

    template_name = "articles/corrections.html"
    context_object_name = "corrections"
    paginate_by = settings.NEWSROOM_ARTICLES_PER_PAGE
    paginator_class = CorrectionPaginator

    def get_queryset(self):
        # Stale when a correction is added, or a story reaches or leaves readers.
        caching.page_shows_lists(self.request, caching.CORRECTIONS, caching.ALL_ARTICLES)
        return Correction.objects.published()
