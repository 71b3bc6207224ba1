"""Choices shared by the models and the queries that read them."""

from django.db import models


class ArticleStatus(models.TextChoices):
    """Where an article stands in the workflow; readers see only published ones whose time came."""

    DRAFT = "draft", "Draft"
    IN_REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"
    UNPUBLISHED = "unpublished", "Unpublished"


class ArticleType(models.TextChoices):
    """
    What kind of journalism a story is, shown to readers as a label (news has none) and told to
    search engines as the schema.org type; each maps to an IPTC genre for wire partners.
    """

    NEWS = "news", "News"
    OPINION = "opinion", "Opinion"
    ANALYSIS = "analysis", "Analysis"
    EXPLAINER = "explainer", "Explainer"
    REVIEW = "review", "Review"
    SPONSORED = "sponsored", "Sponsored"
    LIVE = "live", "Live"


# Each type's genre in IPTC's Genre NewsCodes (http://cv.iptc.org/newscodes/genre/), as wire
# partners read and send it in ninjs. News has none: a story without a genre is news.
IPTC_GENRE_CV = "http://cv.iptc.org/newscodes/genre/"
IPTC_GENRES = {
    ArticleType.OPINION: "Opinion",
    ArticleType.ANALYSIS: "Analysis",
    ArticleType.EXPLAINER: "Background",
    ArticleType.REVIEW: "Review",
    ArticleType.SPONSORED: "Advertiser_Supplied",
}
