"""
"Share a preview" in the article admin: an article's preview links, a form making a new one,
and revoking. Everything goes through articles.services.previews, whose announcements the
audit log records. A new link is shown once, on the page answering the request that made it:
never in a message, which would keep it in a cookie or the session table until it is read.
"""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from articles import services
from articles.models import PreviewLink
from articles.models.previews import DEFAULT_LIFETIME, MAX_LIFETIME
from articles.services import events
from newsroom.site import absolute_url

# As the browser's date-time field sends it, to the minute.
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class PreviewLinkForm(forms.Form):
    note = forms.CharField(
        label="Shared with",
        max_length=PreviewLink._meta.get_field("note").max_length,
        help_text=PreviewLink._meta.get_field("note").help_text,
        widget=forms.TextInput(attrs={"class": "vTextField"}),
    )
    expires_at = forms.DateTimeField(
        label="Expires",
        help_text="The link shows nothing after this time (the site's time zone). "
        "At most 30 days ahead.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        now = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["expires_at"].initial = now + DEFAULT_LIFETIME
        attrs = self.fields["expires_at"].widget.attrs
        attrs["min"] = (now + timedelta(minutes=1)).strftime(DATETIME_LOCAL)
        attrs["max"] = (now + MAX_LIFETIME).strftime(DATETIME_LOCAL)


class PreviewLinksMixin:
    """The article admin's "Share a preview" page, and its link on the change form."""

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/previews/", view(self.previews_view), name=f"{name}_previews"),
            path(
                "<path:object_id>/previews/<int:link_id>/revoke/",
                view(require_POST(self.preview_revoke_view)),
                name=f"{name}_preview_revoke",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_share_preview"] = obj is not None and services.preview_link_may_create(
            request.user, obj
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _previews_article(self, request, object_id):
        """The article, with its links, when the user may share it or holds a link of it."""
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such article.")
        links = list(article.preview_links.select_related("created_by", "revoked_by"))
        may_create = services.preview_link_may_create(request.user, article)
        may_revoke = {
            link.pk for link in links if services.preview_link_may_revoke(request.user, link)
        }
        if not may_create and not may_revoke:
            raise PermissionDenied
        return article, links, may_create, may_revoke

    def previews_view(self, request, object_id):
        article, links, may_create, may_revoke = self._previews_article(request, object_id)
        issued = None
        # A public story is shared by its address: its page lists its links, to revoke them.
        sharing = may_create and not article.is_published
        form = PreviewLinkForm(request.POST or None) if sharing else None
        if request.method == "POST" and not may_create:
            raise PermissionDenied
        if form is not None and form.is_valid():
            try:
                with events.door(events.Door.ADMIN):
                    link, token = services.preview_link_create(
                        article=article,
                        expires_at=form.cleaned_data["expires_at"],
                        note=form.cleaned_data["note"],
                        user=request.user,
                    )
            except ValidationError as error:
                _errors_shown(form, error)
            else:
                url = absolute_url(reverse("articles:preview", args=[token]), request)
                issued = (link, url)
                links.insert(0, link)
                may_revoke.add(link.pk)
                form = PreviewLinkForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": f"Share a preview of “{article}”",
            "rows": [(link, link.pk in may_revoke) for link in links],
            "form": form,
            "issued": issued,
            "is_published": article.is_published,
        }
        response = TemplateResponse(request, "admin/articles/article/previews.html", context)
        # The page showing a new link is the only one that ever does: no cache keeps it.
        add_never_cache_headers(response)
        return response

    def preview_revoke_view(self, request, object_id, link_id):
        article, links, _, may_revoke = self._previews_article(request, object_id)
        link = next((link for link in links if link.pk == link_id), None)
        if link is None:
            raise Http404("No such preview link of this article.")
        if link.pk not in may_revoke:
            raise PermissionDenied
        with events.door(events.Door.ADMIN):
            services.preview_link_revoke(link=link, user=request.user)
        self.message_user(
            request,
            f"The preview link for {link.note} is revoked: it no longer opens the story.",
            messages.SUCCESS,
        )
        return redirect(reverse("admin:articles_article_previews", args=[article.pk]))


def _errors_shown(form, error):
    """The write path's refusal on the form: on a field it has, else above the form."""
    by_field = error.error_dict if hasattr(error, "error_dict") else {None: error.error_list}
    for field, errors in by_field.items():
        form.add_error(field if field in form.fields else None, errors)
