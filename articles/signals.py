"""
Tags edited in taggit's own admin are announced as every other change is (services.events),
after commit: cached pages showing them go stale, and the audit log keeps the change. Every
other change readers could see goes through the services, which announce it themselves.
"""

from django.db.models.signals import post_delete, post_save
from taggit.models import Tag

from articles.services import events


def tag_saved(sender, instance, created=False, **kwargs):
    action = events.Action.CREATE if created else events.Action.CHANGE
    events.record(instance=instance, action=action)


def tag_deleted(sender, instance, **kwargs):
    events.record(instance=instance, action=events.Action.DELETE)


def connect():
    post_save.connect(tag_saved, sender=Tag, dispatch_uid="pages-Tag")
    post_delete.connect(tag_deleted, sender=Tag, dispatch_uid="pages-Tag")
