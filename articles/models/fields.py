"""Model fields whose forms behave as the newsroom needs."""

from django.core.validators import URLValidator
from django.db import models

from articles.forms import HttpsURLFormField, PhotoFileField


class URLField(models.URLField):
    """
    A web address: http or https only (readers follow these links), and a form that takes an
    address typed without a scheme as https://.
    """

    default_validators = [URLValidator(schemes=["http", "https"])]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": HttpsURLFormField, **kwargs})


class PhotoImageField(models.ImageField):
    """An image field whose form applies the photo rules before Pillow's generic check."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PhotoFileField, **kwargs})
