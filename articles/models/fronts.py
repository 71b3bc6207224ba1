"""
Curated fronts: the stories editors pin, in order, at the top of the home page and of each
section's page. Each arrangement is kept as it was made, so a front's history can be read and
any arrangement made live again; one dated in the future is scheduled, and replaces the one
before when its time comes. The rest of a front fills itself by recency.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from articles.models.fields import CleanTextModel
from articles.models.loading import RecordedModel
from articles.models.queries import published_q
from articles.models.sections import Section

# The lead and up to eight top stories.
MAX_PINNED = 9


class FrontArrangementQuerySet(models.QuerySet):
    def of_front(self, section_id):
        """The arrangements of one front: a section's (by id), or the home page's (None)."""
        return self.filter(section_id=section_id)

    def live(self):
        """The arrangements in effect or past, the one in effect first."""
        return self.filter(takes_effect_at__lte=timezone.now()).order_by("-takes_effect_at", "-pk")

    def upcoming(self):
        """The scheduled arrangements, soonest first."""
        return self.filter(takes_effect_at__gt=timezone.now()).order_by("takes_effect_at", "pk")


def pinned_ids(section_id=None, *, arrangement_id=None) -> list[int]:
    """
    The ids of the stories readers can see pinned to a front (a section's by id; the home
    page's for None), in order, as its arrangement in effect has them, or as arrangement
    `arrangement_id` would (a preview). A story that stops being public leaves its slot by
    itself. One query.
    """
    if arrangement_id is None:
        arrangements = FrontArrangement.objects.of_front(section_id).live().values("pk")[:1]
    else:
        arrangements = [arrangement_id]
    slots = FrontSlot.objects.filter(arrangement__in=arrangements).filter(published_q("article__"))
    return list(slots.order_by("position").values_list("article_id", flat=True))


def front_key(section_id=None) -> str:
    """The key of a front's arrangement, on every page it arranges (articles.caching.keys)."""
    return f"front-s{section_id}" if section_id else "front-home"


class FrontArrangement(CleanTextModel, RecordedModel):
    """The stories pinned to one front, from a moment on: the lead first, then top stories."""

    section = models.ForeignKey(
        Section,
        verbose_name="section",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="front_arrangements",
        help_text="The section whose page this arranges. Leave empty for the home page.",
    )
    takes_effect_at = models.DateTimeField(
        "takes effect",
        default=timezone.now,
        help_text="When this arrangement replaces the one before. A future time schedules it: "
        "the front changes by itself then.",
    )
    note = models.CharField(
        "note",
        max_length=200,
        blank=True,
        help_text="Why the front changed, for the history. Example: Election night.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="arranged by",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = FrontArrangementQuerySet.as_manager()

    class Meta:
        ordering = ["-takes_effect_at", "-pk"]
        verbose_name = "front arrangement"
        verbose_name_plural = "front arrangements"
        indexes = [
            models.Index(fields=["section", "-takes_effect_at", "-id"], name="front_live"),
        ]

    def __str__(self):
        when = timezone.localtime(self.takes_effect_at).strftime("%d %b %Y %H:%M")
        return f"{self.front_name}, from {when}"

    def get_absolute_url(self):
        """The front this arranges."""
        return self.section.get_absolute_url() if self.section_id else "/"

    @property
    def front_name(self):
        return self.section.name if self.section_id else "Home page"

    @property
    def is_scheduled(self):
        return self.takes_effect_at > timezone.now()


class FrontSlot(models.Model):
    """One pinned story of an arrangement, at its position: 0 is the lead."""

    arrangement = models.ForeignKey(
        FrontArrangement,
        verbose_name="arrangement",
        on_delete=models.CASCADE,
        related_name="slots",
    )
    position = models.PositiveSmallIntegerField(
        "position", help_text="0 is the lead story; top stories follow in this order."
    )
    article = models.ForeignKey(
        "Article",
        verbose_name="article",
        on_delete=models.CASCADE,
        related_name="+",
        help_text="A story readers cannot see (a draft, one taken down, one still scheduled "
        "or under embargo) keeps its slot but is left out until they can.",
    )

    class Meta:
        ordering = ["position"]
        verbose_name = "pinned story"
        verbose_name_plural = "pinned stories"
        constraints = [
            models.UniqueConstraint(
                fields=["arrangement", "position"], name="front_slot_position_unique"
            ),
            models.UniqueConstraint(
                fields=["arrangement", "article"],
                name="front_slot_article_once",
                violation_error_message="A story is pinned once per arrangement.",
            ),
            models.CheckConstraint(
                condition=Q(position__lt=MAX_PINNED), name="front_slot_position_in_range"
            ),
        ]

    def __str__(self):
        return f"{self.position}: {self.article_id}"
