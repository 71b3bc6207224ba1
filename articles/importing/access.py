"""
What the importing user may do, asked of each record before anything is written, so that a
file from someone who may not do something lists every record they may not write. The write
path asks the same questions again (articles.permissions); its answer is the one that counts.
"""

from articles import permissions
from articles.importing.plan import MODELS, Plan
from articles.models import Article


def check(plan: Plan, *, user, problem) -> None:
    """Report through `problem(plan, field, message)` what `user` may not do with `plan`."""
    if user is None:
        return
    kind = plan.record.kind
    if kind == "articles":
        _check_article(plan, user=user, problem=problem)
        return
    if not plan.changed or plan.same_as is not None:
        return
    action = "add" if plan.is_new else "change"
    if not permissions.can_model(user, action, MODELS[kind]):
        problem(plan, "", f"{user} may not {action} {MODELS[kind]._meta.verbose_name_plural}.")
    elif kind == "photos" and not plan.is_new and not permissions.can_edit_photo(user, plan.stored):
        problem(plan, "", f"{user} may not change this photo.")


def _check_article(plan, *, user, problem):
    article, stored = plan.instance, plan.stored
    # An unchanged record writes nothing and needs no permission, but its status is checked
    # all the same: a file from someone who may not publish holds no published article.
    if article.status not in permissions.allowed_statuses(user):
        problem(plan, "status", f"{user}: {permissions.REFUSED_PUBLISHING}")
    if not plan.changed:
        return
    if stored is None:
        if not permissions.can_add(user):
            problem(plan, "", f"{user} may not add articles.")
        if article.created_by_id is None:
            article.created_by = user
    elif not permissions.can_edit(user, stored):
        problem(plan, "", f"{user} may not change this article.")
        return
    if not permissions.can_publish(user):
        for name in permissions.publication_times_changed(article, stored):
            problem(plan, name, f"{user}: only editors set publication times.")


def check_unchanged(record, *, user, problem) -> None:
    """An article record that changes nothing still may not hold a status `user` may not set."""
    if user is None:
        return
    status = record.data.get("status", Article.Status.DRAFT)
    if status not in permissions.allowed_statuses(user):
        problem(record.label, "status", f"{user}: {permissions.REFUSED_PUBLISHING}")
