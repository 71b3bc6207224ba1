"""
Model fields with the newsroom's own rules. Their admin form fields (an address typed without
a scheme taken as https, photo checks before Pillow's) are chosen by the admin's
`formfield_overrides`: the model layer knows nothing of forms.
"""

from functools import cache

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import MaxLengthValidator, URLValidator
from django.db import models
from django.db.models.fields.files import ImageFieldFile

from articles import photo_files, text


class URLField(models.URLField):
    """A web address: http or https only (readers follow these links)."""

    default_validators = [URLValidator(schemes=["http", "https"])]


class PhotoFieldFile(ImageFieldFile):
    """
    A photo's file, written to storage as articles.photo_files keeps it: without the location
    of the picture. Every door stores through here (the admin's upload, the importer's
    `image.save()`, the shell), so no original with its camera's coordinates reaches storage.
    """

    def save(self, name, content, save=True):
        # Named: Django reads the new dimensions from the content it is given, if it has a name.
        super().save(name, ContentFile(photo_files.read_stored(content), name=name), save)


class PhotoImageField(models.ImageField):
    """
    A photo's image file, stored without its location (PhotoFieldFile); the photo desk's form
    field checks it by our rules first.
    """

    attr_class = PhotoFieldFile


class CleanTextModel(models.Model):
    """
    A model whose text fields are made clean (articles.text.clean) before they are validated,
    whatever the door: a form, the importer, the write path's own checks. One-line fields
    (CharField) lose their line breaks; none keeps a control character; a lone surrogate is
    refused with the field named.
    """

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        # Django's clean_fields() with the text made clean first, in one pass over the fields
        # (the importer validates them by the ten thousand).
        exclude = set(exclude or ())
        errors = {}
        for field, multiline in _checked_fields(type(self)):
            if field.name in exclude:
                continue
            value = getattr(self, field.attname)
            try:
                if multiline is not None:
                    value = text.clean(value, multiline=multiline)
                    setattr(self, field.attname, value)
                if field.blank and value in field.empty_values:
                    continue
                setattr(self, field.attname, field.clean(value, self))
            except ValidationError as error:
                errors[field.name] = error.error_list
        if errors:
            raise ValidationError(errors)


@cache
def _checked_fields(model):
    """(field, multiline) of each field clean_fields() checks; multiline None: not text."""
    return [
        (
            field,
            isinstance(field, models.TextField)
            if isinstance(field, models.CharField | models.TextField)
            else None,
        )
        for field in model._meta.fields
        if not field.generated
    ]


def longest(limit):
    """A limit on a text field's length no newsroom would need to pass: said in the error."""
    return [MaxLengthValidator(limit)]
