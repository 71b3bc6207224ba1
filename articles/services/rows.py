"""The rules of an article's bylines and "Read more" links, one row and the whole set."""

from collections.abc import Sequence
from functools import cache

from django.core.exceptions import ValidationError
from django.db import models

from articles.models import Article, RelatedLink


def article_row_clean(*, row: models.Model) -> None:
    """
    Validate one byline or related link on its own (its relations were checked where they
    were chosen: a form, the importer). Raises ValidationError.
    """
    row.full_clean(exclude=_relations(type(row)), validate_unique=False, validate_constraints=False)


@cache
def _relations(model):
    return [field.name for field in model._meta.fields if field.is_relation]


def article_rows_check(
    *, article: Article, model: type[models.Model], rows: Sequence[models.Model]
) -> None:
    """
    Raise ValidationError when `rows`, one article's bylines or related links in order, break
    a rule of the set: a name given twice where it may appear once (an author in a byline),
    or a link from the article to itself. The error's params["row"] is the row's index.
    """
    for fields, message in _once_per_article(model):
        # Compared as objects, not ids: in an import they may not be saved yet.
        seen = []
        for index, row in enumerate(rows):
            key = [getattr(row, name) for name in fields]
            if None in key:
                continue
            if key in seen:
                raise ValidationError(f"{message} ({row})", code="repeated", params={"row": index})
            seen.append(key)
    if model is RelatedLink:
        for index, row in enumerate(rows):
            # By id when saved, else as the same object: no query either way.
            if row.target_id is not None:
                to_itself = article.pk is not None and row.target_id == article.pk
            else:
                to_itself = row.target is not None and row.target is article
            if to_itself:
                raise ValidationError(
                    "An article cannot link to itself.", code="self_link", params={"row": index}
                )


def _once_per_article(model):
    """(fields, message) of each rule that a value appears once among an article's rows."""
    for constraint in model._meta.constraints:
        if (
            isinstance(constraint, models.UniqueConstraint)
            and "article" in constraint.fields
            and "position" not in constraint.fields
        ):
            fields = [name for name in constraint.fields if name != "article"]
            yield fields, constraint.violation_error_message
