"""Supply concentration: what share of an importer's supply of a mineral comes from one
supplier, as an official statistic or strategy document states it."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from agreements.models import QUOTE_MAX_WORDS, Party
from config.api.data_version import bump_data_version
from minerals.models import Mineral, TimeStampedModel

# The UK Critical Minerals Strategy (2025): no more than 60% of the UK's supply of any one
# critical mineral from any one country by 2035.
CONCENTRATION_THRESHOLD = Decimal("60")


class SupplyShareQuerySet(models.QuerySet):
    def delete(self):
        result = super().delete()
        bump_data_version()
        return result


class SupplyShare(TimeStampedModel):
    """One supplier's share of an importer's imports of one mineral in one year, with the
    source that states it and the source's own words."""

    importer = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Importing party (code), e.g. GB.",
    )
    mineral = models.ForeignKey(
        Mineral, on_delete=models.PROTECT, related_name="supply_shares", help_text="Mineral (slug)."
    )
    supplier = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Supplying country (code), e.g. CN.",
    )
    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
        help_text="Year (or last year of the period) the share refers to.",
    )
    share = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="Share of the importer's imports of the mineral, in per cent (0–100).",
    )
    source_url = models.URLField(max_length=500, help_text="Address of the source document.")
    source_title = models.CharField(
        max_length=300, blank=True, help_text="Title of the source document."
    )
    quote = models.TextField(
        help_text=f"The source's own words stating the share, at most {QUOTE_MAX_WORDS} words."
    )
    note = models.CharField(max_length=500, blank=True, help_text="What the figure measures.")

    objects = SupplyShareQuerySet.as_manager()

    class Meta:
        ordering = ["importer__code", "mineral__slug", "-year", "-share", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["importer", "mineral", "supplier", "year"],
                name="%(app_label)s_%(class)s_unique_share",
                violation_error_message="This supplier already has a share for this year.",
            ),
            models.CheckConstraint(
                condition=Q(share__gte=0, share__lte=100),
                name="%(app_label)s_%(class)s_share_percent",
                violation_error_message="A share is a percentage between 0 and 100.",
            ),
            models.CheckConstraint(
                condition=~Q(importer=F("supplier")),
                name="%(app_label)s_%(class)s_not_self",
                violation_error_message="An importer does not supply itself.",
            ),
        ]

    def __str__(self):
        importer = self.importer_id and self.importer.code
        return f"{importer} ← {self.supplier_id and self.supplier.code} ({self.year})"

    def clean(self):
        super().clean()
        if self.quote and len(self.quote.split()) > QUOTE_MAX_WORDS:
            raise ValidationError({"quote": f"A quote has at most {QUOTE_MAX_WORDS} words."})
        if not (self.quote or "").strip():
            raise ValidationError({"quote": "A share needs the source's words."})

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        bump_data_version()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        bump_data_version()
        return result
