from django import forms

from articles.validators import validate_photo_file


class PhotoFileField(forms.ImageField):
    """An image upload checked by our rules (format by content, size, pixels, decoding) first,
    so the editor reads why a file was refused rather than a generic message."""

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is not None:
            validate_photo_file(upload)
        return super().to_python(data)


class HttpsURLFormField(forms.URLField):
    """An address typed without a scheme is taken as https://, the web's default today."""

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)
