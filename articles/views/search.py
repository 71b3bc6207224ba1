"""Search: published articles matching every word looked for."""

from django.conf import settings
from django.views.generic import ListView

from articles import search
from articles.models import Article
from articles.views.listing import FullListingPaginator, PublishedArticlesMixin

SEARCH_MAX_LENGTH = 200


class SearchView(PublishedArticlesMixin, ListView):
    """Published articles matching every word of the query, in headline, standfirst or body."""

    template_name = "articles/search.html"
    # Each result's card shows where the story says what was looked for: built every time.
    paginator_class = FullListingPaginator

    def get_queryset(self):
        self.query = " ".join(self.request.GET.get("q", "").split())[:SEARCH_MAX_LENGTH]
        if not self.query:
            return Article.objects.none()
        return self.get_articles().search(self.query)

    def get_context_data(self, **kwargs):
        # The page's own search box is the one: none in the header.
        context = super().get_context_data(query=self.query, header_search=False, **kwargs)
        # Where each story on this page says what was looked for, the words marked.
        for article in context["object_list"]:
            article.search_snippet = search.snippet(
                search.plain_text(article.body),
                self.query,
                language=settings.NEWSROOM_SEARCH_CONFIG,
            )
        return context
