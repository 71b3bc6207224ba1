from django.urls import path, re_path

from articles import feeds, views
from articles.views.live import LiveUpdatesView
from articles.views.previews import PreviewLinkView

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article-detail"),
    # A live blog's updates since the newest its page shows, and its feed of updates.
    path("articles/<slug:slug>/updates/", LiveUpdatesView.as_view(), name="live-updates"),
    path("articles/<slug:slug>/updates/feed/", feeds.LiveFeed(), name="live-feed-rss"),
    path(
        "articles/<slug:slug>/updates/feed/atom/",
        feeds.LiveFeed(feeds.XmlSafeAtomFeed),
        name="live-feed-atom",
    ),
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
    # A shareable preview of an unpublished story: the token is checked by the view, so every
    # link that does not open answers the same 404.
    path("preview/<str:token>/", PreviewLinkView.as_view(), name="preview"),
    path("corrections/", views.CorrectionListView.as_view(), name="corrections"),
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
    path("corrections/feed/", feeds.CorrectionFeed(), name="corrections-feed-rss"),
    path(
        "corrections/feed/atom/",
        feeds.CorrectionFeed(feeds.XmlSafeAtomFeed),
        name="corrections-feed-atom",
    ),
]
