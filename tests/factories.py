import io
from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles import services
from articles.models import Agency, Article, Author, Byline, Photo, RelatedLink, Section


def image_bytes(*, size=(64, 48), image_format="JPEG", color=(120, 40, 40)):
    """A small valid image made in memory."""
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, image_format)
    return buffer.getvalue()


def image_upload(name="photo.jpg", **kwargs):
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
    image_format = kwargs.get("image_format", "JPEG")
    return SimpleUploadedFile(name, image_bytes(**kwargs), content_type[image_format])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("password")


def in_role(default):
    """A user's group, one made by migration 0007_roles; `role="Administrator"` picks another."""

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        if create:
            user.groups.set([Group.objects.get(name=extracted or default)])

    return role


class EditorFactory(UserFactory):
    is_staff = True
    role = in_role("Editor")


class ReporterFactory(UserFactory):
    is_staff = True
    role = in_role("Reporter")


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.Sequence(lambda n: f"section-{n}")
    order = factory.Sequence(lambda n: n)


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Author {n}")
    slug = factory.Sequence(lambda n: f"author-{n}")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Agency {n}")
    short_name = factory.Sequence(lambda n: f"AG{n}")
    slug = factory.Sequence(lambda n: f"agency-{n}")


class PhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Photo
        skip_postgeneration_save = True

    image = factory.LazyFunction(image_upload)
    alt_text = factory.Sequence(lambda n: f"Alt text {n}")
    caption = factory.Sequence(lambda n: f"Caption {n}")
    creator = "A. Photographer"
    copyright_notice = "Copyright 2024 Agency"

    @factory.post_generation
    def make_renditions(photo, create, extracted, **kwargs):
        """Renditions as the admin and the importer make them; make_renditions=False for none."""
        if create and extracted is not False:
            services.photo_renditions_make(photo=photo)


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    headline = factory.Sequence(lambda n: f"Headline number {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    standfirst = "What happened, in one sentence."
    body = "".join(f"<p>Paragraph {n}.</p>" for n in ("one", "two", "three", "four", "five"))
    section = factory.SubFactory(SectionFactory, slug="news", name="News")
    status = Article.Status.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))

    class Params:
        draft = factory.Trait(status=Article.Status.DRAFT, publish_at=None)

    @factory.post_generation
    def tags(article, create, extracted, **kwargs):
        if create and extracted:
            article.tags.add(*extracted)


class BylineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Byline

    article = factory.SubFactory(ArticleFactory)
    author = factory.SubFactory(AuthorFactory)
    position = factory.Sequence(lambda n: n)


class RelatedLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RelatedLink

    article = factory.SubFactory(ArticleFactory)
    target = factory.SubFactory(ArticleFactory)
    position = factory.Sequence(lambda n: n)


class AuditEntryFactory(factory.django.DjangoModelFactory):
    """An audit entry written the one way entries are written: audit_record()."""

    class Meta:
        model = "audit.AuditEntry"

    action = "change"
    door = "admin"
    object_repr = factory.Sequence(lambda n: f"Object {n}")
    summary = "Changed headline"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from newsroom.audit.services import audit_record

        return audit_record(entries=[model_class(*args, **kwargs)])[0]
