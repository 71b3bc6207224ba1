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
