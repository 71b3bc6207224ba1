"""
Model fields with the newsroom's own rules. Their admin form fields (an address typed without
a scheme taken as https, photo checks before Pillow's) are chosen by the admin's
`formfield_overrides`: the model layer knows nothing of forms.
"""

from django.core.validators import URLValidator
from django.db import models


class URLField(models.URLField):
    """A web address: http or https only (readers follow these links)."""

    default_validators = [URLValidator(schemes=["http", "https"])]


class PhotoImageField(models.ImageField):
    """A photo's image file; the photo desk's form field checks it by our rules first."""
