from django.core.management.base import BaseCommand

from articles import services, tasks
from articles.models import Photo


class Command(BaseCommand):
    help = (
        "Make the renditions photos lack: after an upgrade, a restored media folder or a change "
        "of NEWSROOM_RENDITION_WIDTHS. Files that exist are kept. By default the work is done "
        "here and now; --queue leaves it to the task workers."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue",
            action="store_true",
            help="Enqueue one background task per photo instead of making the renditions now.",
        )

    def handle(self, *args, queue=False, **options):
        if queue:
            photo_ids = list(Photo.objects.order_by("pk").values_list("pk", flat=True))
            tasks.photo_renditions_enqueue(photo_ids=photo_ids)
            self.stdout.write(self.style.SUCCESS(f"{len(photo_ids)} photos queued."))
            return
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
                    "warnings). Pages show no image for them."
                )
            )
