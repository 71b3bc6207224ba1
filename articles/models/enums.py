"""Choices shared by the models and the queries that read them."""

from django.db import models


class ArticleStatus(models.TextChoices):
    """Where an article stands in the workflow; readers see only published ones whose time came."""

    DRAFT = "draft", "Draft"
    IN_REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"
    UNPUBLISHED = "unpublished", "Unpublished"
