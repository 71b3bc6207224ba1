"""
The write side of the newsroom: the one path every door takes. Every function is
keyword-only, checks the rules (who may do what, what is valid) itself, runs in one
transaction, raises PermissionDenied or ValidationError with nothing written, and records what
it changed; the changes are announced once the transaction commits (`events`), and the
subscribers (articles.subscribers) do what follows: revisions, audit entries, fresh pages,
renditions.
"""

from articles.services.articles import (
    ArticleInput,
    StaleSave,
    article_correction_add,
    article_mark_updated,
    article_save,
    articles_refusals,
    articles_save,
    correction_wording,
    embargo_brought_forward,
)
from articles.services.banner import banner_hide, banner_show
from articles.services.content import content_delete, content_save, contents_save
from articles.services.fronts import front_arrange, front_cancel, front_restore
from articles.services.live import (
    live_end,
    live_entries_sync,
    live_entry_delete,
    live_entry_save,
)
from articles.services.photos import (
    photo_delete,
    photo_duplicates,
    photo_renditions_make,
    photo_save,
    photo_upload_hold,
    photo_upload_release,
    photo_upload_take,
)
from articles.services.previews import (
    preview_link_create,
    preview_link_may_create,
    preview_link_may_revoke,
    preview_link_opened,
    preview_link_revoke,
)
from articles.services.redirects import article_slug_changed
from articles.services.revisions import (
    article_revision_restore,
    article_revision_save,
    articles_revisions_save,
)
from articles.services.rows import article_row_clean, article_rows_check, rows_as_stored
from articles.services.search import articles_search_index
from articles.services.workflow import (
    BulkOutcome,
    article_delete,
    article_lift_embargo,
    article_publish,
    article_unpublish,
    articles_publish,
    articles_unpublish,
)

__all__ = [
    "ArticleInput",
    "BulkOutcome",
    "StaleSave",
    "article_correction_add",
    "article_delete",
    "article_mark_updated",
    "article_publish",
    "article_revision_restore",
    "article_revision_save",
    "article_row_clean",
    "article_rows_check",
    "article_save",
    "article_slug_changed",
    "article_unpublish",
    "banner_hide",
    "banner_show",
    "article_lift_embargo",
    "articles_publish",
    "articles_refusals",
    "articles_revisions_save",
    "articles_save",
    "embargo_brought_forward",
    "articles_search_index",
    "articles_unpublish",
    "content_delete",
    "content_save",
    "contents_save",
    "correction_wording",
    "front_arrange",
    "front_cancel",
    "front_restore",
    "live_end",
    "live_entries_sync",
    "live_entry_delete",
    "live_entry_save",
    "photo_delete",
    "photo_duplicates",
    "photo_renditions_make",
    "photo_save",
    "photo_upload_hold",
    "photo_upload_release",
    "photo_upload_take",
    "rows_as_stored",
    "preview_link_create",
    "preview_link_may_create",
    "preview_link_may_revoke",
    "preview_link_opened",
    "preview_link_revoke",
]
