"""
The newsroom's content: sections, people and agencies, photos with their rights, and
articles with ordered bylines and "Read more" links.

"Published" has one definition, `published_q()`, used by `ArticleQuerySet.published()`
and mirrored row-wise by `Article.is_published`.
"""

from articles.models.articles import (
    Article,
    ArticleQuerySet,
    ArticleRevision,
    Byline,
    Correction,
    RelatedLink,
    bylines_prefetch,
    published_q,
    related_links_prefetch,
)
from articles.models.contributors import Agency, Author
from articles.models.fields import PhotoImageField, URLField
from articles.models.photos import Photo, file_sha256, image_suffix, photo_upload_to
from articles.models.sections import Section

__all__ = [
    "Agency",
    "Article",
    "ArticleQuerySet",
    "ArticleRevision",
    "Author",
    "Byline",
    "Correction",
    "Photo",
    "PhotoImageField",
    "RelatedLink",
    "Section",
    "URLField",
    "bylines_prefetch",
    "file_sha256",
    "image_suffix",
    "photo_upload_to",
    "published_q",
    "related_links_prefetch",
]
