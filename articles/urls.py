from django.urls import path

from articles import views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article-detail"),
    path("sections/<slug:slug>/", views.SectionDetailView.as_view(), name="section-detail"),
    path("authors/<slug:slug>/", views.AuthorDetailView.as_view(), name="author-detail"),
    # Tag slugs keep the letters of any script ("zürich", "україна"): taggit makes them so.
    path("tags/<str:slug>/", views.TagDetailView.as_view(), name="tag-detail"),
]
