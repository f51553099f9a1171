"""Minerals and official criticality lists."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

# Slugs are keys in URLs: lower case only, so "GB-AU-mou" and "gb-au-mou" cannot both exist.
lowercase_slug_validator = RegexValidator(
    r"^[-a-z0-9_]+\Z",
    "Use lower-case letters, digits, hyphens and underscores.",
    code="invalid",
)


def lowercase_slug_constraint(model_name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(slug=Lower("slug")),
        name=f"%(app_label)s_{model_name}_slug_lowercase",
        violation_error_code="invalid",
        violation_error_message="Use lower-case letters, digits, hyphens and underscores.",
    )


class TimeStampedModel(models.Model):
    """Creation and last-change timestamps shared by every tracker model."""

    created_at = models.DateTimeField(auto_now_add=True, help_text="When the record was created.")
    updated_at = models.DateTimeField(auto_now=True, help_text="When the record last changed.")

    class Meta:
        abstract = True


class HistoricalRevision(models.Model):
    """Added to every historical table: the write (request or command) a version belongs to,
    so one API call or admin save that touches several tables reads as one change."""

    revision = models.UUIDField(
        null=True, blank=True, db_index=True, help_text="Write this version belongs to."
    )

    class Meta:
        abstract = True


class Mineral(TimeStampedModel):
    """A mineral, element or group of them (``rare-earth-elements``) as agreements name it."""

    slug = models.SlugField(
        max_length=80,
        unique=True,
        validators=[lowercase_slug_validator],
        help_text="Stable key (lower case), e.g. `lithium`, `rare-earth-elements`.",
    )
    name = models.CharField(max_length=120, unique=True, help_text="Display name, e.g. Lithium.")
    symbol = models.CharField(
        max_length=3, blank=True, help_text="Chemical symbol where the mineral is an element."
    )
    group = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        help_text="The group this mineral belongs to (neodymium → rare earth elements).",
    )
    description = models.TextField(blank=True, help_text="Short description for readers.")

    history = HistoricalRecords(bases=[HistoricalRevision])

    class Meta:
        ordering = ["name", "slug"]
        constraints = [
            lowercase_slug_constraint("mineral"),
            models.CheckConstraint(
                condition=~Q(group=F("id")),
                name="%(app_label)s_%(class)s_not_own_group",
                violation_error_message="A mineral cannot be its own group.",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.group_id is not None:
            if self.pk is not None and self.group_id == self.pk:
                raise ValidationError({"group": "A mineral cannot be its own group."})
            if self.group and self.group.group_id is not None:
                raise ValidationError(
                    {"group": "Groups have one level: the chosen group is itself a member."}
                )
            if self.pk is not None and self.members.exists():
                raise ValidationError(
                    {"group": "This mineral is a group with members; it cannot join a group."}
                )


class MineralAlias(TimeStampedModel):
    """Another name or spelling of a mineral (aluminum, "rare earths", REE)."""

    mineral = models.ForeignKey(
        Mineral, on_delete=models.CASCADE, related_name="aliases", help_text="The mineral."
    )
    name = models.CharField(
        max_length=120, unique=True, help_text="The other name; each maps to one mineral."
    )

    history = HistoricalRecords(bases=[HistoricalRevision])

    class Meta:
        ordering = ["mineral__name", "name"]
        verbose_name_plural = "mineral aliases"

    def __str__(self):
        return self.name


class MineralList(TimeStampedModel):
    """An official criticality list, such as the UK 2021 or the US 2025 list."""

    slug = models.SlugField(
        max_length=80,
        unique=True,
        validators=[lowercase_slug_validator],
        help_text="Stable key (lower case), e.g. `us-2025`.",
    )
    name = models.CharField(max_length=200, help_text="Official name of the list.")
    jurisdiction = models.ForeignKey(
        "agreements.Party",
        on_delete=models.PROTECT,
        related_name="mineral_lists",
        help_text="Party that published the list (party code).",
    )
    published_on = models.DateField(
        null=True,
        blank=True,
        help_text="Publication date (first of the month if only the month is known).",
    )
    publisher = models.CharField(max_length=300, blank=True, help_text="Publishing body.")
    source_url = models.URLField(
        max_length=500, blank=True, help_text="Where the list is published."
    )
    complete = models.BooleanField(
        default=True, help_text="False while editors are still filling in the list."
    )
    note = models.TextField(blank=True, help_text="Editors' note on the list.")

    history = HistoricalRecords(bases=[HistoricalRevision])

    class Meta:
        ordering = ["-published_on", "slug"]
        constraints = [lowercase_slug_constraint("minerallist")]

    def __str__(self):
        return self.name


class MineralListEntry(TimeStampedModel):
    """One mineral on a list, under the list's own label ("Bauxite/Alumina/Aluminium")."""

    mineral_list = models.ForeignKey(
        MineralList, on_delete=models.CASCADE, related_name="entries", help_text="The list."
    )
    mineral = models.ForeignKey(
        Mineral,
        on_delete=models.PROTECT,
        related_name="list_entries",
        help_text="The canonical mineral the label stands for.",
    )
    label = models.CharField(max_length=120, help_text="The name as the list writes it.")
    note = models.CharField(
        max_length=200, blank=True, help_text='Qualifier such as "watchlist" or "strategic".'
    )

    history = HistoricalRecords(bases=[HistoricalRevision])

    class Meta:
        ordering = ["mineral_list__slug", "label", "id"]
        verbose_name_plural = "mineral list entries"
        constraints = [
            models.UniqueConstraint(
                fields=["mineral_list", "mineral"],
                name="%(app_label)s_%(class)s_unique_mineral",
                violation_error_message="This mineral is already on the list.",
            ),
            models.UniqueConstraint(
                fields=["mineral_list", "label"],
                name="%(app_label)s_%(class)s_unique_label",
                violation_error_message="This label is already on the list.",
            ),
        ]

    def __str__(self):
        return f"{self.label} ({self.mineral_list.slug})"
