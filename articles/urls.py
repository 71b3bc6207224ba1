from django.urls import path, re_path

from articles import feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article-detail"),
    path("sections/<slug:slug>/", views.SectionDetailView.as_view(), name="section-detail"),
    path("authors/<slug:slug>/", views.AuthorDetailView.as_view(), name="author-detail"),
    path("agencies/<slug:slug>/", views.AgencyDetailView.as_view(), name="agency-detail"),
    path("archive/", views.ArchiveView.as_view(), name="archive"),
    re_path(r"^archive/(?P<year>[0-9]{4})/$", views.YearArchiveView.as_view(), name="archive-year"),
    re_path(
        r"^archive/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/$",
        views.MonthArchiveView.as_view(),
        name="archive-month",
    ),
    path("search/", views.SearchView.as_view(), name="search"),
    # Tag slugs keep the letters of any script ("zürich", "україна"): taggit makes them so.
    path("tags/<str:slug>/", views.TagDetailView.as_view(), name="tag-detail"),
    # Feeds: RSS 2.0 at feed/, Atom 1.0 at feed/atom/, for the site and each list page.
    path("feed/", feeds.ArticleFeed(), name="feed-rss"),
    path("feed/atom/", feeds.ArticleFeed(feeds.MediaAtomFeed), name="feed-atom"),
    path("sections/<slug:slug>/feed/", feeds.SectionFeed(), name="section-feed-rss"),
    path(
        "sections/<slug:slug>/feed/atom/",
        feeds.SectionFeed(feeds.MediaAtomFeed),
        name="section-feed-atom",
    ),
    path("authors/<slug:slug>/feed/", feeds.AuthorFeed(), name="author-feed-rss"),
    path(
        "authors/<slug:slug>/feed/atom/",
        feeds.AuthorFeed(feeds.MediaAtomFeed),
        name="author-feed-atom",
    ),
    path("agencies/<slug:slug>/feed/", feeds.AgencyFeed(), name="agency-feed-rss"),
    path(
        "agencies/<slug:slug>/feed/atom/",
        feeds.AgencyFeed(feeds.MediaAtomFeed),
        name="agency-feed-atom",
    ),
    path("tags/<str:slug>/feed/", feeds.TagFeed(), name="tag-feed-rss"),
    path("tags/<str:slug>/feed/atom/", feeds.TagFeed(feeds.MediaAtomFeed), name="tag-feed-atom"),
]
