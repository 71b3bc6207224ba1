"""
Tags edited in taggit's own admin make cached pages stale. Every other change readers could
see goes through the services, whose announcements do that (articles.subscribers).
"""

from django.db.models.signals import post_delete, post_save
from taggit.models import Tag

from articles import caching


def content_changed(sender, **kwargs):
    caching.content_changed()


def connect():
    post_save.connect(content_changed, sender=Tag, dispatch_uid="pages-Tag")
    post_delete.connect(content_changed, sender=Tag, dispatch_uid="pages-Tag")
