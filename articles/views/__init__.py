"""Readers' pages: lists of articles, the article page, search, the corrections page."""

from articles.views.article import ArticleDetailView
from articles.views.corrections import CorrectionListView
from articles.views.listing import FullListingPaginator, ListingPaginator, PublishedArticlesMixin
from articles.views.lists import (
    AgencyDetailView,
    ArchiveView,
    AuthorDetailView,
    HomeView,
    MonthArchiveView,
    SectionDetailView,
    TagDetailView,
    YearArchiveView,
)
from articles.views.search import SearchView

__all__ = [
    "AgencyDetailView",
    "ArchiveView",
    "ArticleDetailView",
    "AuthorDetailView",
    "CorrectionListView",
    "FullListingPaginator",
    "HomeView",
    "ListingPaginator",
    "MonthArchiveView",
    "PublishedArticlesMixin",
    "SearchView",
    "SectionDetailView",
    "TagDetailView",
    "YearArchiveView",
]
