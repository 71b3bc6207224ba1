import logging

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils.html import format_html

from articles import photo_metadata, services
from articles.models import file_sha256
from articles.validators import validate_photo_file

logger = logging.getLogger(__name__)


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


class PhotoAdminForm(forms.ModelForm):
    """
    The photo desk. A new image fills the description and rights the editor left empty from
    the metadata embedded in the file; what the editor typed wins. When the form fails for
    another reason (most often: neither the editor nor the file gave alt text), a valid upload
    is held in storage behind a signed token in a hidden field, so the form shown again keeps
    the file and shows the values read from it; saving with another file replaces it.
    """

    held_upload = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "alt_text" in self.fields:
            # Required all the same: clean() says so once the file has had its chance to fill it.
            self.fields["alt_text"].required = False
        self.held = None
        self.duplicate = None
        if self.is_bound:
            # The form shown again writes what it read from the file into these fields.
            self.data = self.data.copy()
            image = self.add_prefix("image")
            token = self.data.get(self.add_prefix("held_upload"))
            if token and "image" in self.fields and not self.files.get(image):
                self.held = services.photo_upload_take(token=token)
            if self.held:
                self.files = self.files.copy()
                self.files[image] = self.held
                self._say_held(self.held.name)

    def clean(self):
        cleaned_data = super().clean()
        upload = cleaned_data.get("image")
        read = isinstance(upload, UploadedFile)
        if read:
            self._refuse_duplicate(upload)
            found = photo_metadata.read(upload).prefill(cleaned_data)
            for name, value in found.items():
                # A field the editor filled in wrongly keeps its error and what they typed.
                if name in self.fields and name not in self._errors:
                    cleaned_data[name] = value
                    self._show(name, value)
        if (
            "alt_text" in self.fields
            and "alt_text" not in self._errors
            and not cleaned_data.get("alt_text")
        ):
            self.add_error(
                "alt_text",
                ValidationError(
                    "Describe what the picture shows, for readers who cannot see it"
                    + (": this file carries no alt text to fill it in." if read else "."),
                    code="required",
                ),
            )
        return cleaned_data

    def _refuse_duplicate(self, upload):
        """The same image is not uploaded twice: the editor is offered the photo already there."""
        digest = file_sha256(upload)
        existing = services.photo_duplicates(content_hashes=[digest]).get(digest)
        if existing is not None and existing.pk != self.instance.pk:
            self.duplicate = existing
            self.add_error(
                "image",
                ValidationError(
                    format_html(
                        "This image is already in the library: "
                        '<a href="{}">photo {} “{}”</a>. Use that photo instead.',
                        reverse("admin:articles_photo_change", args=[existing.pk]),
                        existing.pk,
                        existing,
                    ),
                    code="duplicate",
                ),
            )

    def full_clean(self):
        super().full_clean()
        upload = getattr(self, "cleaned_data", {}).get("image")
        if not self._errors or not isinstance(upload, UploadedFile) or upload is self.held:
            return
        try:
            token = services.photo_upload_hold(upload=upload)
        except OSError:
            logger.warning("Could not hold the upload %s", upload.name, exc_info=True)
            return
        self.data[self.add_prefix("held_upload")] = token
        self._say_held(upload.name)

    def _show(self, name, value):
        """Put `value` in the submitted data, so the form shown again displays it."""
        widget = self.fields[name].widget
        key = self.add_prefix(name)
        if isinstance(widget, forms.MultiWidget):
            for suffix, part in zip(widget.widgets_names, widget.decompress(value), strict=True):
                self.data[key + suffix] = "" if part is None else str(part)
        else:
            self.data[key] = value

    def _say_held(self, filename):
        text = format_html(
            "Your file “{}” is kept: save to use it, or choose another file.", filename
        )
        # The bound field copies its help text when made, and validation has made it.
        self.fields["image"].help_text = self["image"].help_text = text
