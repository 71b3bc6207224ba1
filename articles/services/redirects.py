"""Old addresses of renamed articles, kept working for readers."""

from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.db import transaction

from articles.models import Article


@transaction.atomic
def article_slug_changed(*, article: Article, old_slug: str) -> Redirect | None:
    """
    Keep the old address of a renamed, published article working with a permanent redirect.
    An article readers cannot see gets none: its old address must not reveal the new one.
    """
    if not old_slug or old_slug == article.slug or not article.is_published:
        return None
    old_path = Article(slug=old_slug).get_absolute_url()
    new_path = article.get_absolute_url()
    site = Site.objects.get_current()
    # A chain A -> B -> C becomes A -> C and B -> C; a redirect back to the new address goes.
    Redirect.objects.filter(site=site, new_path=old_path).update(new_path=new_path)
    Redirect.objects.filter(site=site, old_path=new_path).delete()
    redirect, _ = Redirect.objects.update_or_create(
        site=site, old_path=old_path, defaults={"new_path": new_path}
    )
    return redirect
