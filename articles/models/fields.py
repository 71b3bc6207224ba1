"""
Model fields with the newsroom's own rules. Their admin form fields (an address typed without
a scheme taken as https, photo checks before Pillow's) are chosen by the admin's
`formfield_overrides`: the model layer knows nothing of forms.
"""

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
        errors = {}
        for field in self._meta.concrete_fields:
            if exclude and field.name in exclude:
                continue
            if isinstance(field, models.CharField | models.TextField):
                value = getattr(self, field.attname)
                try:
                    value = text.clean(value, multiline=isinstance(field, models.TextField))
                except ValidationError as error:
                    errors[field.name] = error.messages
                else:
                    setattr(self, field.attname, value)
        try:
            super().clean_fields(exclude=[*(exclude or ()), *errors])
        except ValidationError as error:
            errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)


def longest(limit):
    """A limit on a text field's length no newsroom would need to pass: said in the error."""
    return [MaxLengthValidator(limit)]
