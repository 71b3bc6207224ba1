from django.core.management.base import BaseCommand

from articles import services
from articles.models import Photo


class Command(BaseCommand):
    help = (
        "Make the renditions photos lack: after an upgrade, a restored media folder or a change "
        "of NEWSROOM_RENDITION_WIDTHS. Files that exist are kept."
    )

    def handle(self, *args, **options):
        photos = written = without = 0
        for photo in Photo.objects.order_by("pk").iterator(chunk_size=100):
            written += services.photo_renditions_make(photo=photo)
            photos += 1
            without += not photo.renditions
        self.stdout.write(self.style.SUCCESS(f"{photos} photos checked, {written} files written."))
        if without:
            self.stdout.write(
                self.style.WARNING(
                    f"Without renditions: {without} (a missing or unreadable image; see the "
                    "warnings). Pages show the original."
                )
            )
