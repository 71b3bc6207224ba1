"""
Who may do what with an article: the editorial workflow's rules, in one place.

Reporters write drafts and submit them for review; editors edit any article and decide what
is published, when (a future publish time schedules it) and what is taken down. The groups
holding these permissions are made by migration 0007_roles. `user=None` is the system itself,
such as an operator's import: it may do everything.
"""

from articles.models import Article, Author, Photo

PUBLISH = "articles.publish_article"
# What a user without the publish permission may set: writing, then handing over.
WRITER_STATUSES = frozenset({Article.Status.DRAFT, Article.Status.IN_REVIEW})
REFUSED_PUBLISHING = "You may not publish; submit the article for review."


def can_publish(user) -> bool:
    """Whether `user` may publish, schedule and unpublish articles."""
    return user is None or user.has_perm(PUBLISH)


def can_arrange_fronts(user) -> bool:
    """Whether `user` may pin stories to the home page and the section pages."""
    return user is None or user.has_perm("articles.add_frontarrangement")


def can_add(user) -> bool:
    """Whether `user` may start a new article."""
    return user is None or user.has_perm("articles.add_article")


def can_edit(user, article: Article) -> bool:
    """
    Whether `user` may change `article` as stored: an editor any article, a reporter their own
    drafts only (once submitted for review, the article is the editors').
    """
    if user is None:
        return True
    if not user.has_perm("articles.change_article"):
        return False
    if can_publish(user):
        return True
    return (
        article.created_by_id is not None
        and article.created_by_id == user.pk
        and article.status == Article.Status.DRAFT
    )


def can_delete(user, article: Article) -> bool:
    """Whether `user` may delete `article`: an editor's decision, like taking it down."""
    return user is None or (user.has_perm("articles.delete_article") and can_publish(user))


def can_model(user, action: str, model) -> bool:
    """Whether `user` may `action` ("add", "change", "delete") rows of `model` at all."""
    opts = model._meta
    return user is None or user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")


def allowed_statuses(user) -> set[str]:
    """The statuses `user` may give an article they may edit; publish times need can_publish()."""
    return set(Article.Status.values) if can_publish(user) else set(WRITER_STATUSES)


def can_edit_photo(user, photo: Photo) -> bool:
    """
    Whether `user` may change `photo` as stored. What a photo says (caption, alt text, crop)
    shows wherever it is used, so an editor may change any photo, and a reporter only one they
    uploaded that nothing but their own drafts uses: never one readers can already see.
    """
    if user is None:
        return True
    if not user.has_perm("articles.change_photo"):
        return False
    if can_publish(user):
        return True
    if photo.uploaded_by_id is None or photo.uploaded_by_id != user.pk:
        return False
    others = Article.objects.filter(lead_photo=photo).exclude(
        created_by=user, status=Article.Status.DRAFT
    )
    return not others.exists() and not Author.objects.filter(portrait=photo).exists()


PUBLICATION_TIMES = ("publish_at", "embargoed_until", "first_published_at", "last_updated_at")


def article_save_refusal(user, article: Article, stored: Article | None) -> str | None:
    """
    Why `user` may not save `article` as it now is over `stored` (None: a new article), or
    None when they may. Every door asks this of the write path; doors may ask first for a
    better message, but the write path's answer is the one that counts.
    """
    if user is None:
        return None
    if stored is None:
        if not can_add(user):
            return f"{user} may not add articles."
    elif not can_edit(user, stored):
        return f"{user} may not change this article."
    if article.status not in allowed_statuses(user):
        return REFUSED_PUBLISHING
    if not can_publish(user) and publication_times_changed(article, stored):
        return REFUSED_TIMES
    return None


REFUSED_TIMES = "Only editors set publication times."


def publication_times_changed(article: Article, stored: Article | None) -> list[str]:
    """The publication times `article` gives differently from `stored` (None: a new one)."""
    return [
        name
        for name in PUBLICATION_TIMES
        if getattr(article, name) != (getattr(stored, name) if stored is not None else None)
    ]
