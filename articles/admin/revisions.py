"""An article's revisions in the admin: the history, the difference between two, restoring one."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from articles import revisions, services


class RevisionViewsMixin:
    """The revision pages of the article admin."""

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/revisions/",
                view(self.revisions_view),
                name=f"{name}_revisions",
            ),
            path(
                "<path:object_id>/revisions/compare/",
                view(self.revisions_compare_view),
                name=f"{name}_revisions_compare",
            ),
            path(
                "<path:object_id>/revisions/<int:revision_id>/restore/",
                view(self.revision_restore_view),
                name=f"{name}_revision_restore",
            ),
            *super().get_urls(),
        ]

    def _revisions_article(self, request, object_id, *, change=False):
        """The article of a revisions page, if the user may see it (or, with `change`, edit it)."""
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such article.")
        if change:
            allowed = self.has_change_permission(request, article)
        else:
            allowed = self.has_view_or_change_permission(request, article)
        if not allowed:
            raise PermissionDenied
        return article

    def _revisions_response(self, request, template, article, title, **context):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": title,
            "can_restore": self.has_change_permission(request, article),
            **context,
        }
        return TemplateResponse(request, f"admin/articles/article/{template}", context)

    def revisions_view(self, request, object_id):
        article = self._revisions_article(request, object_id)
        saved = list(article.revisions.select_related("created_by").defer("data"))
        # Newest first: each revision's predecessor is the next one in the list.
        rows = list(zip(saved, [*saved[1:], None], strict=True))
        return self._revisions_response(
            request, "revisions.html", article, f"Revisions of “{article}”", rows=rows
        )

    def revisions_compare_view(self, request, object_id):
        article = self._revisions_article(request, object_id)
        try:
            chosen = {int(request.GET["old"]), int(request.GET["new"])}
        except (KeyError, ValueError):
            raise Http404("Choose two revisions to compare.") from None
        pair = sorted(
            article.revisions.select_related("created_by").filter(pk__in=chosen),
            key=lambda revision: (revision.created_at, revision.pk),
        )
        if len(pair) != len(chosen):
            raise Http404("No such revision of this article.")
        old, new = pair[0], pair[-1]
        return self._revisions_response(
            request,
            "revision_compare.html",
            article,
            f"Changes to “{article}”",
            old=old,
            new=new,
            changes=revisions.diff(old.data, new.data),
        )

    def revision_restore_view(self, request, object_id, revision_id):
        article = self._revisions_article(request, object_id, change=True)
        revision = get_object_or_404(article.revisions.select_related("created_by"), pk=revision_id)
        errors = []
        if request.method == "POST":
            try:
                services.article_revision_restore(revision=revision, user=request.user)
            except ValidationError as error:
                errors = error.messages
            else:
                saved_at = revisions.local_time(revision.created_at)
                self.message_user(
                    request,
                    f"The version of {saved_at} is restored, as a new revision.",
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:articles_article_change", args=[article.pk]))
        current = revisions.snapshot(article)
        return self._revisions_response(
            request,
            "revision_restore.html",
            article,
            f"Restore an earlier version of “{article}”",
            revision=revision,
            errors=errors,
            changes=revisions.diff(current, revisions.restored(current, revision.data)),
        )
