"""
The newsroom's content: sections, people and agencies, photos with their rights, and
articles with ordered bylines and "Read more" links.

"Published" and "scheduled" have one definition each, in `queries` (`published_q()`,
`scheduled_q()`), mirrored row-wise by `Article.is_published` and `Article.is_scheduled`.
"""

from articles.models.articles import Article
from articles.models.banner import Banner
from articles.models.contributors import Agency, Author
from articles.models.fields import PhotoImageField, URLField
from articles.models.fronts import FrontArrangement, FrontSlot
from articles.models.history import ArticleRevision, Correction
from articles.models.live import LiveEntry, LiveEntryRevision, live_key
from articles.models.photos import Photo, file_sha256, image_suffix, photo_upload_to
from articles.models.previews import PreviewLink
from articles.models.queries import (
    ArticleQuerySet,
    goes_live_at,
    public_tags,
    published_q,
    scheduled_q,
)
from articles.models.rows import Byline, RelatedLink
from articles.models.sections import Section

__all__ = [
    "Agency",
    "Article",
    "ArticleQuerySet",
    "ArticleRevision",
    "Banner",
    "Author",
    "Byline",
    "Correction",
    "FrontArrangement",
    "FrontSlot",
    "LiveEntry",
    "LiveEntryRevision",
    "Photo",
    "PhotoImageField",
    "PreviewLink",
    "RelatedLink",
    "Section",
    "URLField",
    "file_sha256",
    "image_suffix",
    "photo_upload_to",
    "public_tags",
    "goes_live_at",
    "live_key",
    "published_q",
    "scheduled_q",
]
