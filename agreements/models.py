"""Agreements between governments on critical minerals, and who takes part in them."""

import datetime
import uuid

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from minerals.models import (
    HistoricalRevision,
    Mineral,
    TimeStampedModel,
    lowercase_slug_constraint,
    lowercase_slug_validator,
)


class PartyKind(models.TextChoices):
    STATE = "state", "State"
    REGIONAL_ORGANISATION = "regional_organisation", "Regional organisation"
    INTERNATIONAL_ORGANISATION = "international_organisation", "International organisation"
    GOVERNMENT_BODY = "government_body", "Government body"


class AgreementKind(models.TextChoices):
    MEMORANDUM_OF_UNDERSTANDING = "memorandum_of_understanding", "Memorandum of understanding"
    AGREEMENT = "agreement", "Agreement"
    FRAMEWORK = "framework", "Framework"
    JOINT_STATEMENT = "joint_statement", "Joint statement"
    STATEMENT_OF_INTENT = "statement_of_intent", "Statement of intent"
    ROADMAP = "roadmap", "Roadmap"
    PARTNERSHIP = "partnership", "Partnership"
    TREATY = "treaty", "Treaty"
    OTHER = "other", "Other"


class AgreementStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    SIGNED = "signed", "Signed"
    IN_FORCE = "in_force", "In force"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"
    SUPERSEDED = "superseded", "Superseded"


class DatePrecision(models.TextChoices):
    """How much of a date the sources give: the stored date is the first day of the period."""

    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


# The agreement's dates, each paired with a ``<name>_precision`` field.
PRECISE_DATES = ("announced_on", "signed_on", "effective_on", "expires_on", "terminated_on")


def precision_field(what: str) -> models.CharField:
    return models.CharField(
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text=f"How precise {what} is: day, month (the date is the 1st) or year (1 January).",
    )


def period_end(value: datetime.date, precision: str) -> datetime.date:
    """The last day of the period a date of this precision stands for."""
    if precision == DatePrecision.YEAR:
        return value.replace(month=12, day=31)
    if precision == DatePrecision.MONTH:
        following = (value.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return following - datetime.timedelta(days=1)
    return value


def period_ends_on_or_after(name: str, on: datetime.date) -> Q:
    """Rows whose date ``name``, read with its precision, has a day on or after ``on``."""
    return (
        Q(**{f"{name}__gte": on})
        | Q(**{f"{name}_precision": DatePrecision.MONTH, f"{name}__gte": on.replace(day=1)})
        | Q(
            **{
                f"{name}_precision": DatePrecision.YEAR,
                f"{name}__gte": on.replace(month=1, day=1),
            }
        )
    )


def precision_constraints(prefix: str = "%(app_label)s_%(class)s") -> list:
    """A month-precision date is the 1st of its month; a year-precision date is 1 January."""
    out = []
    for name in PRECISE_DATES:
        out.append(
            models.CheckConstraint(
                condition=Q(**{f"{name}__isnull": True})
                | Q(**{f"{name}_precision": DatePrecision.DAY})
                | Q(**{f"{name}_precision": DatePrecision.MONTH, f"{name}__day": 1})
                | Q(
                    **{
                        f"{name}_precision": DatePrecision.YEAR,
                        f"{name}__day": 1,
                        f"{name}__month": 1,
                    }
                ),
                name=f"{prefix}_{name}_precision",
                violation_error_code="date_precision",
                violation_error_message=(
                    f"{name}: a month-precision date is the first of the month, "
                    "a year-precision date 1 January."
                ),
            )
        )
    return out


class SignatureRole(models.TextChoices):
    SIGNATORY = "signatory", "Signatory"
    WITNESS = "witness", "Witness"


class Stage(models.TextChoices):
    EXPLORATION = "exploration", "Exploration"
    MINING = "mining", "Mining"
    PROCESSING = "processing", "Processing"
    REFINING = "refining", "Refining"
    RECYCLING = "recycling", "Recycling"
    STOCKPILING = "stockpiling", "Stockpiling"
    RESEARCH = "research", "Research"
    TRADE = "trade", "Trade"


class SourceKind(models.TextChoices):
    PRESS_RELEASE = "press_release", "Press release"
    AGREEMENT_TEXT = "agreement_text", "Agreement text"
    OFFICIAL_RECORD = "official_record", "Official record"
    NEWS = "news", "News"
    OTHER = "other", "Other"


class RelationKind(models.TextChoices):
    FOLLOWS = "follows", "Follows"
    IMPLEMENTS = "implements", "Implements"
    AMENDS = "amends", "Amends"
    SUPERSEDES = "supersedes", "Supersedes"
    ROADMAP_FOR = "roadmap_for", "Roadmap for"


def unique_slug(
    model, text: str, *, max_length: int = 100, exclude_pk=None, reserved=frozenset()
) -> str:
    """A slug from ``text`` that no other row of ``model`` uses (``-2``, ``-3`` … on clashes)."""
    # Dashes between names ("Chile–UK") separate words, as hyphens do.
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("/", "-")
    base = slugify(text)[:max_length].strip("-") or "item"
    candidate, n = base, 1
    qs = model._default_manager.all()
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    while candidate in reserved or qs.filter(slug=candidate).exists():
        n += 1
        suffix = f"-{n}"
        candidate = base[: max_length - len(suffix)].strip("-") + suffix
    return candidate


# Path segments of list-level API routes, which an agreement slug must not shadow.
RESERVED_AGREEMENT_SLUGS = frozenset({"export", "draft-from-text"})


def validate_agreement_slug(value: str) -> None:
    if value in RESERVED_AGREEMENT_SLUGS:
        raise ValidationError(
            "“%(value)s” is reserved for an API route.", code="reserved", params={"value": value}
        )


party_code_validator = RegexValidator(
    r"^[A-Z][A-Z0-9-]{1,11}$",
    "Use upper-case letters, digits and hyphens, starting with a letter (GB, EU, US-DOE).",
)


class Party(TimeStampedModel):
    """A state, organisation or government body that can be party to an agreement."""

    code = models.CharField(
        max_length=12,
        unique=True,
        validators=[party_code_validator],
        help_text="ISO 3166-1 alpha-2 for states (GB, not UK); EU; a short code otherwise.",
    )
    name = models.CharField(max_length=200, help_text="Common name, e.g. United Kingdom.")
    kind = models.CharField(
        max_length=32,
        choices=PartyKind.choices,
        default=PartyKind.STATE,
        help_text="What kind of party.",
    )
    country = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bodies",
        limit_choices_to={"kind": PartyKind.STATE},
        help_text="For a government body: the state it belongs to (party code).",
    )

    history = HistoricalRecords(bases=[HistoricalRevision])

    class Meta:
        ordering = ["name", "code"]
        verbose_name_plural = "parties"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=PartyKind.GOVERNMENT_BODY, country__isnull=False)
                | (~Q(kind=PartyKind.GOVERNMENT_BODY) & Q(country__isnull=True)),
                name="%(app_label)s_%(class)s_country_iff_government_body",
                violation_error_message=(
                    "A government body needs the state it belongs to; other parties have none."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def clean(self):
        super().clean()
        if self.kind == PartyKind.STATE and self.code and len(self.code) != 2:
            raise ValidationError({"code": "A state's code is its ISO 3166-1 alpha-2 code."})
        if self.kind == PartyKind.GOVERNMENT_BODY and self.country_id is None:
            raise ValidationError({"country": "A government body needs the state it belongs to."})
        if self.kind != PartyKind.GOVERNMENT_BODY and self.country_id is not None:
            raise ValidationError({"country": "Only a government body belongs to a state."})
        if self.country is not None and self.country.kind != PartyKind.STATE:
            raise ValidationError({"country": "The country must be a state."})


class Person(TimeStampedModel):
    """Someone who signed or witnessed an agreement; the office is recorded per signature."""

    slug = models.SlugField(
        max_length=100,
        unique=True,
        validators=[lowercase_slug_validator],
        help_text="Stable key, e.g. `seema-malhotra` (lower case).",
    )
    name = models.CharField(max_length=200, help_text="Full name as usually written.")

    history = HistoricalRecords(bases=[HistoricalRevision])

    class Meta:
        ordering = ["name", "slug"]
        verbose_name_plural = "people"
        constraints = [lowercase_slug_constraint("person")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Person, self.name, exclude_pk=self.pk)
        super().save(*args, **kwargs)


class AgreementQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Published agreements, plus drafts for users allowed to view agreements."""
        if (
            user is not None
            and user.is_authenticated
            and user.has_perm("agreements.view_agreement")
        ):
            return self
        return self.filter(is_published=True)

    def in_force(self, on: datetime.date):
        """In force on ``on``: started on or before it, not expired or terminated by it.

        A month- or year-precision date stands for its whole period and counts when any
        day of it fits: started in the month of ``on``, or ending later that month, is in.
        """
        start = Q(effective_on__lte=on) | Q(effective_on__isnull=True, signed_on__lte=on)
        after = on + datetime.timedelta(days=1)
        return (
            self.filter(start)
            .exclude(status=AgreementStatus.PLANNED)
            .filter(Q(expires_on__isnull=True) | period_ends_on_or_after("expires_on", after))
            .filter(Q(terminated_on__isnull=True) | period_ends_on_or_after("terminated_on", after))
        )


class Agreement(TimeStampedModel):
    """An instrument between two or more parties: MoU, framework, joint statement, treaty …"""

    slug = models.SlugField(
        max_length=120,
        unique=True,
        validators=[lowercase_slug_validator, validate_agreement_slug],
        help_text="Stable key (lower case); generated from the title when absent.",
    )
    title = models.CharField(max_length=300, help_text="Full title of the instrument.")
    short_title = models.CharField(max_length=120, blank=True, help_text="Short name for lists.")
    kind = models.CharField(
        max_length=40, choices=AgreementKind.choices, help_text="What kind of instrument it is."
    )
    status = models.CharField(
        max_length=20,
        choices=AgreementStatus.choices,
        default=AgreementStatus.SIGNED,
        help_text="Life-cycle status; `planned` exactly when there is no signing date.",
    )
    legally_binding = models.BooleanField(
        null=True,
        blank=True,
        help_text="Whether it binds under international law; null if unknown.",
    )
    announced_on = models.DateField(null=True, blank=True, help_text="When it was announced.")
    announced_on_precision = precision_field("the announcement date")
    signed_on = models.DateField(null=True, blank=True, help_text="When it was signed.")
    signed_on_precision = precision_field("the signing date")
    effective_on = models.DateField(
        null=True, blank=True, help_text="When it took effect, if not on signature."
    )
    effective_on_precision = precision_field("the effective date")
    expires_on = models.DateField(
        null=True, blank=True, help_text="First day it no longer applies by its own terms."
    )
    expires_on_precision = precision_field("the expiry date")
    terminated_on = models.DateField(
        null=True, blank=True, help_text="First day it no longer applies after termination."
    )
    terminated_on_precision = precision_field("the termination date")
    signed_place = models.CharField(
        max_length=200, blank=True, help_text='Where it was signed, e.g. "Washington DC".'
    )
    signed_country = models.ForeignKey(
        Party,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": PartyKind.STATE},
        help_text="ISO code of the state where it was signed (may be none of the parties).",
    )
    summary = models.TextField(blank=True, help_text="What the agreement does, in a few sentences.")
    text_url = models.URLField(max_length=500, blank=True, help_text="Link to the full text.")
    is_published = models.BooleanField(
        default=False, help_text="Visible to the public; needs the publish permission to change."
    )
    search_text = models.TextField(
        blank=True,
        editable=False,
        help_text="Title, summary, place, signatories and minerals, for search (derived).",
    )
    search_vector = SearchVectorField(
        null=True, editable=False, help_text="PostgreSQL full-text vector of search_text (derived)."
    )

    parties = models.ManyToManyField(
        Party, through="AgreementParty", related_name="agreements", help_text="Parties."
    )
    minerals = models.ManyToManyField(
        Mineral,
        through="AgreementMineral",
        related_name="agreements",
        help_text="Covered minerals.",
    )

    objects = AgreementQuerySet.as_manager()
    history = HistoricalRecords(
        bases=[HistoricalRevision], excluded_fields=["search_text", "search_vector"]
    )

    class Meta:
        ordering = [F("signed_on").desc(nulls_last=True), "slug"]
        permissions = [("publish_agreement", "Can publish and unpublish agreements")]
        constraints = [
            lowercase_slug_constraint("agreement"),
            models.CheckConstraint(
                condition=~Q(slug__in=sorted(RESERVED_AGREEMENT_SLUGS)),
                name="%(app_label)s_%(class)s_slug_not_reserved",
                violation_error_code="reserved",
                violation_error_message="This slug is reserved for an API route.",
            ),
            models.CheckConstraint(
                condition=Q(effective_on__isnull=True)
                | Q(signed_on__isnull=True)
                | Q(effective_on__gte=F("signed_on")),
                name="%(app_label)s_%(class)s_effective_after_signed",
                violation_error_code="effective_before_signed",
                violation_error_message="The effective date cannot be before the signing date.",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(effective_on__isnull=False, expires_on__gt=F("effective_on"))
                | Q(effective_on__isnull=True, signed_on__isnull=True)
                | Q(effective_on__isnull=True, expires_on__gt=F("signed_on")),
                name="%(app_label)s_%(class)s_expires_after_start",
                violation_error_code="expires_before_start",
                violation_error_message=(
                    "The expiry date must be after the effective date (or the signing date)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(terminated_on__isnull=True)
                | Q(signed_on__isnull=True)
                | Q(terminated_on__gte=F("signed_on")),
                name="%(app_label)s_%(class)s_terminated_after_signed",
                violation_error_code="terminated_before_signed",
                violation_error_message="The termination date cannot be before the signing date.",
            ),
            models.CheckConstraint(
                condition=Q(status=AgreementStatus.PLANNED, signed_on__isnull=True)
                | (~Q(status=AgreementStatus.PLANNED) & Q(signed_on__isnull=False)),
                name="%(app_label)s_%(class)s_planned_iff_unsigned",
                violation_error_code="status_signed_on",
                violation_error_message=(
                    "A planned agreement has no signing date; every other status needs one."
                ),
            ),
            *precision_constraints(),
        ]
        indexes = [
            models.Index(fields=["signed_on"], name="agreement_signed_on"),
            models.Index(fields=["title", "slug"], name="agreement_title_slug"),
            models.Index(fields=["-updated_at", "slug"], name="agreement_updated_slug"),
            models.Index(fields=["status"], name="agreement_status"),
            models.Index(fields=["kind"], name="agreement_kind"),
            models.Index(fields=["is_published"], name="agreement_published"),
            models.Index(fields=["legally_binding"], name="agreement_binding"),
            models.Index(fields=["effective_on", "slug"], name="agreement_effective_slug"),
            models.Index(fields=["announced_on", "slug"], name="agreement_announced_slug"),
            models.Index(fields=["created_at", "slug"], name="agreement_created_slug"),
            models.Index(fields=["expires_on"], name="agreement_expires"),
            models.Index(fields=["terminated_on"], name="agreement_terminated"),
        ]

    def __str__(self):
        return self.short_title or self.title

    def clean(self):
        """Field-level messages for the rules the constraints enforce (admin and API)."""
        super().clean()
        errors = {}
        if self.status == AgreementStatus.PLANNED and self.signed_on:
            errors["status"] = (
                "A planned agreement has no signing date: clear it or change the status."
            )
        if self.status and self.status != AgreementStatus.PLANNED and not self.signed_on:
            errors["signed_on"] = (
                f"An agreement with status “{self.get_status_display()}” needs a signing date."
            )
        if self.signed_on and self.effective_on and self.effective_on < self.signed_on:
            errors["effective_on"] = "The effective date cannot be before the signing date."
        start = self.effective_on or self.signed_on
        if self.expires_on and start and self.expires_on <= start:
            errors["expires_on"] = "The expiry date must be after the " + (
                "effective date." if self.effective_on else "signing date."
            )
        if self.signed_on and self.terminated_on and self.terminated_on < self.signed_on:
            errors["terminated_on"] = "The termination date cannot be before the signing date."
        if (
            self.signed_country_id
            and self.signed_country
            and self.signed_country.kind != PartyKind.STATE
        ):
            errors["signed_country"] = "The place of signing must be a state."
        for name in PRECISE_DATES:
            value, precision = getattr(self, name), getattr(self, f"{name}_precision")
            if value is None or precision == DatePrecision.DAY:
                continue
            if value.day != 1 or (precision == DatePrecision.YEAR and value.month != 1):
                errors[name] = (
                    "With month precision the date is the first of the month; with year "
                    "precision, 1 January."
                )
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(
                Agreement,
                self.short_title or self.title,
                exclude_pk=self.pk,
                reserved=RESERVED_AGREEMENT_SLUGS,
            )
        super().save(*args, **kwargs)

    def is_in_force(self, on: datetime.date) -> bool:
        """The Python twin of ``AgreementQuerySet.in_force`` (same precision rule)."""
        if self.status == AgreementStatus.PLANNED or not self.signed_on:
            return False
        start = self.effective_on or self.signed_on
        ends = [
            period_end(getattr(self, name), getattr(self, f"{name}_precision"))
            for name in ("expires_on", "terminated_on")
            if getattr(self, name)
        ]
        return start <= on and all(end > on for end in ends)


class AgreementParty(TimeStampedModel):
    """A party to an agreement, with its own dates where they differ from the agreement's."""

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="agreement_parties",
        help_text="Agreement.",
    )
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="agreement_parties", help_text="Party code."
    )
    signed_on = models.DateField(
        null=True, blank=True, help_text="When this party signed, if apart."
    )
    ratified_on = models.DateField(null=True, blank=True, help_text="When this party ratified.")
    withdrawn_on = models.DateField(null=True, blank=True, help_text="When this party withdrew.")

    history = HistoricalRecords(bases=[HistoricalRevision])

    class Meta:
        ordering = ["agreement_id", "party__code", "id"]
        verbose_name = "party to the agreement"
        verbose_name_plural = "parties to the agreement"
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "party"],
                name="%(app_label)s_%(class)s_unique_party",
                violation_error_message="This party is already a party to the agreement.",
            ),
            models.CheckConstraint(
                condition=Q(ratified_on__isnull=True)
                | Q(signed_on__isnull=True)
                | Q(ratified_on__gte=F("signed_on")),
                name="%(app_label)s_%(class)s_ratified_after_signed",
                violation_error_message="A party cannot ratify before it signs.",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True)
                | Q(signed_on__isnull=True)
                | Q(withdrawn_on__gte=F("signed_on")),
                name="%(app_label)s_%(class)s_withdrawn_after_signed",
                violation_error_message="A party cannot withdraw before it signs.",
            ),
        ]

    def __str__(self):
        return f"{self.party_id and self.party.code} in {self.agreement_id and self.agreement}"

    def clean(self):
        super().clean()
        if self.signed_on and self.ratified_on and self.ratified_on < self.signed_on:
            raise ValidationError({"ratified_on": "A party cannot ratify before it signs."})
        if self.signed_on and self.withdrawn_on and self.withdrawn_on < self.signed_on:
            raise ValidationError({"withdrawn_on": "A party cannot withdraw before it signs."})


class Signature(TimeStampedModel):
    """A person signing (or witnessing) an agreement, with the office held at the time."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="signatures", help_text="Agreement."
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="signatures", help_text="Person (slug)."
    )
    party = models.ForeignKey(
        Party,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signatures",
        help_text="Party represented (code); required for a signatory, optional for a witness.",
    )
    office = models.CharField(max_length=200, blank=True, help_text="Office held at signing.")
    role = models.CharField(
        max_length=20,
        choices=SignatureRole.choices,
        default=SignatureRole.SIGNATORY,
        help_text="Signatory, or witness.",
    )
    signed_on = models.DateField(
        null=True, blank=True, help_text="Date of this signature; defaults to the agreement's."
    )

    history = HistoricalRecords(bases=[HistoricalRevision])

    class Meta:
        ordering = ["agreement_id", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "person", "role"],
                name="%(app_label)s_%(class)s_unique_person_role",
                violation_error_message="This person already has this role on the agreement.",
            ),
            models.CheckConstraint(
                condition=~Q(role=SignatureRole.SIGNATORY) | Q(party__isnull=False),
                name="%(app_label)s_%(class)s_signatory_has_party",
                violation_error_message="A signatory must represent a party.",
            ),
        ]

    def __str__(self):
        return f"{self.person} ({self.role})"

    def clean(self):
        super().clean()
        if self.role == SignatureRole.SIGNATORY and self.party_id is None:
            raise ValidationError({"party": "A signatory must represent one of the parties."})

    def save(self, *args, **kwargs):
        if self.signed_on is None and self.agreement_id and self.agreement.signed_on:
            self.signed_on = self.agreement.signed_on
        super().save(*args, **kwargs)


class AgreementMineral(TimeStampedModel):
    """A mineral an agreement covers, with the value-chain stages it covers."""

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="agreement_minerals",
        help_text="Agreement.",
    )
    mineral = models.ForeignKey(
        Mineral,
        on_delete=models.PROTECT,
        related_name="agreement_minerals",
        help_text="Mineral slug.",
    )
    stages = models.JSONField(
        default=list,
        blank=True,
        help_text="Value-chain stages covered: " + ", ".join(Stage.values) + ".",
    )
    note = models.CharField(max_length=300, blank=True, help_text="Qualifier, e.g. battery grade.")

    history = HistoricalRecords(bases=[HistoricalRevision])

    class Meta:
        ordering = ["agreement_id", "mineral__name", "id"]
        verbose_name = "covered mineral"
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "mineral"],
                name="%(app_label)s_%(class)s_unique_mineral",
                violation_error_message="This mineral is already covered by the agreement.",
            ),
        ]

    def __str__(self):
        return str(self.mineral)

    def clean(self):
        super().clean()
        if not isinstance(self.stages, list) or not all(
            isinstance(s, str) and s in Stage.values for s in self.stages
        ):
            raise ValidationError(
                {"stages": "Stages must be a list of: " + ", ".join(Stage.values)}
            )
        if len(set(self.stages)) != len(self.stages):
            raise ValidationError({"stages": "A stage is listed twice."})

    def save(self, *args, **kwargs):
        # Canonical order keeps representations stable whatever order the client sent.
        if isinstance(self.stages, list):
            self.stages = [s for s in Stage.values if s in set(self.stages)]
        super().save(*args, **kwargs)


class Source(TimeStampedModel):
    """Where the facts of an agreement come from."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="sources", help_text="Agreement."
    )
    url = models.URLField(max_length=500, help_text="Address of the source.")
    title = models.CharField(max_length=300, blank=True, help_text="Title of the page or document.")
    publisher = models.CharField(max_length=300, blank=True, help_text="Who published it.")
    published_on = models.DateField(null=True, blank=True, help_text="Publication date.")
    kind = models.CharField(
        max_length=20,
        choices=SourceKind.choices,
        default=SourceKind.PRESS_RELEASE,
        help_text="What kind of source.",
    )
    language = models.CharField(
        max_length=35,
        blank=True,
        validators=[
            RegexValidator(
                r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
                "A BCP 47 language tag in lower case, such as en, fr or es-419.",
            )
        ],
        help_text="Language of the source as a BCP 47 tag (en, fr, es-419); empty if not recorded.",
    )

    history = HistoricalRecords(bases=[HistoricalRevision])

    class Meta:
        ordering = ["agreement_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "url"],
                name="%(app_label)s_%(class)s_unique_url",
                violation_error_message="This source is already listed for the agreement.",
            ),
        ]

    def __str__(self):
        return self.title or self.url


class RelatedAgreement(TimeStampedModel):
    """A directed link between agreements: a roadmap for an MoU, an amendment, a successor."""

    from_agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="related_links", help_text="Agreement."
    )
    to_agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="incoming_links",
        help_text="The other agreement (slug).",
    )
    kind = models.CharField(
        max_length=20,
        choices=RelationKind.choices,
        help_text="How this agreement relates to the other.",
    )

    history = HistoricalRecords(bases=[HistoricalRevision])

    class Meta:
        ordering = ["from_agreement_id", "id"]
        verbose_name = "related agreement"
        constraints = [
            models.UniqueConstraint(
                fields=["from_agreement", "to_agreement"],
                name="%(app_label)s_%(class)s_unique_link",
                violation_error_message="These agreements are already linked.",
            ),
            models.CheckConstraint(
                condition=~Q(from_agreement=F("to_agreement")),
                name="%(app_label)s_%(class)s_not_self",
                violation_error_message="An agreement cannot be related to itself.",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.to_agreement_id}"


class ClaimStatus(models.TextChoices):
    VERIFIED = "verified", "Verified"
    UNCERTAIN = "uncertain", "Uncertain"
    DISPUTED = "disputed", "Disputed"


# What a claim can be about: a field of the agreement, or a row of a nested collection
# (then ``row`` names it: party code, person slug, mineral slug, related agreement slug).
CLAIM_FIELDS = (
    "title",
    "kind",
    "status",
    "legally_binding",
    *PRECISE_DATES,
    "signed_place",
    "signed_country",
    "text_url",
    "parties",
    "signatures",
    "minerals",
    "related",
)
CLAIM_ROW_FIELDS = ("parties", "signatures", "minerals", "related")
QUOTE_MAX_WORDS = 40


class Claim(TimeStampedModel):
    """What one source says about one fact of an agreement, with the words that say it."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="claims", help_text="Agreement."
    )
    field = models.CharField(
        max_length=20,
        choices=[(f, f) for f in CLAIM_FIELDS],
        help_text="The agreement's field, or the nested collection the row belongs to.",
    )
    row = models.CharField(
        max_length=120,
        blank=True,
        help_text="For a nested row: its key (party code, person slug, mineral slug, agreement "
        "slug); empty for a field of the agreement.",
    )
    value = models.JSONField(
        null=True, blank=True, help_text="The value this source gives (as in the API)."
    )
    source_url = models.URLField(
        max_length=500,
        help_text="The source that says it: the URL of one of the agreement's sources.",
    )
    quote = models.TextField(
        help_text=f"The source's own words, at most {QUOTE_MAX_WORDS} words.",
    )
    status = models.CharField(
        max_length=10,
        choices=ClaimStatus.choices,
        default=ClaimStatus.VERIFIED,
        help_text="verified: stated plainly; uncertain: implied; disputed: sources disagree.",
    )
    chosen = models.BooleanField(
        default=True, help_text="Whether the record holds this claim's value."
    )
    note = models.CharField(
        max_length=500, blank=True, help_text="Why it is uncertain, or why this value was chosen."
    )

    history = HistoricalRecords(bases=[HistoricalRevision])

    class Meta:
        ordering = ["agreement_id", "field", "row", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "field", "row", "source_url"],
                name="%(app_label)s_%(class)s_unique_claim",
                violation_error_message="This source already has a claim on this field.",
            ),
        ]
        indexes = [models.Index(fields=["status"], name="claim_status")]

    def __str__(self):
        return f"{self.field}{'[' + self.row + ']' if self.row else ''}: {self.status}"

    def clean(self):
        super().clean()
        errors = {}
        if self.quote and len(self.quote.split()) > QUOTE_MAX_WORDS:
            errors["quote"] = f"A quote has at most {QUOTE_MAX_WORDS} words."
        if not (self.quote or "").strip():
            errors["quote"] = "A claim needs the source's words."
        if self.field in CLAIM_ROW_FIELDS and not self.row:
            errors["row"] = "Name the row (party code, person, mineral or agreement slug)."
        if self.field and self.field not in CLAIM_ROW_FIELDS and self.row:
            errors["row"] = "A claim on a field of the agreement has no row."
        if errors:
            raise ValidationError(errors)


class Conflict(Claim):
    """The disputed claims, as their own admin list."""

    class Meta:
        proxy = True
        verbose_name = "conflict (disputed claim)"
        verbose_name_plural = "conflicts (disputed claims)"


class CatalogueRecord(models.Model):
    """What the catalogue loader last loaded for one agreement, so that a reload can tell
    an editor's change (keep it) from an outdated shipped record (update it)."""

    slug = models.CharField(max_length=120, unique=True, help_text="The record's slug.")
    file_hash = models.CharField(max_length=64, help_text="SHA-256 of the file last loaded.")
    loaded_hash = models.CharField(
        max_length=64, help_text="SHA-256 of the agreement and its claims right after loading."
    )
    loaded_at = models.DateTimeField(auto_now=True, help_text="When it was last loaded.")

    def __str__(self):
        return self.slug


class ChangeResource(models.TextChoices):
    AGREEMENT = "agreement", "Agreement"
    PARTY = "party", "Party"
    PERSON = "person", "Person"
    MINERAL = "mineral", "Mineral"
    MINERAL_LIST = "mineral-list", "Mineral list"
    COMMITMENT = "commitment", "Commitment"  # issue 17


class ChangeAction(models.TextChoices):
    CREATED = "created", "Created"
    UPDATED = "updated", "Updated"
    DELETED = "deleted", "Deleted"


class ChangeEvent(models.Model):
    """One entry of the changes feed. The id comes from a database sequence and is the
    cursor; events are written inside the transaction that made the change, under a lock
    that makes ids follow commit order (see agreements.sync.changelog)."""

    id = models.BigAutoField(primary_key=True, help_text="Cursor: resume after this value.")
    resource = models.CharField(
        max_length=20, choices=ChangeResource.choices, help_text="Kind of resource that changed."
    )
    key = models.CharField(max_length=120, help_text="Its slug, or code for parties.")
    action = models.CharField(
        max_length=10, choices=ChangeAction.choices, help_text="What happened to it."
    )
    at = models.DateTimeField(help_text="When the change was made.")
    visible_before = models.BooleanField(
        help_text="Whether anonymous clients could see the resource before this change."
    )
    visible_after = models.BooleanField(
        help_text="Whether anonymous clients can see the resource after this change."
    )
    public = models.BooleanField(
        default=True,
        help_text="Whether the change shows in what anonymous clients see (a draft's change to "
        "a party's or a person's draft-only details does not).",
    )

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["resource", "key", "id"], name="changeevent_resource_key")]

    def __str__(self):
        return f"#{self.id} {self.resource} {self.key} {self.action}"


class ProposalSource(models.TextChoices):
    API = "api", "API"
    ADMIN = "admin", "Admin"


class DraftProposal(models.Model):
    """What the press-release extractor proposed for an agreement, and what became of it.

    Stored when a draft is created from a release (the API with ``save: true``, or the
    admin's add form opened from a release and saved). When the agreement is first
    published, ``review`` records field by field what the editors kept, changed, added or
    removed, which is the extractor's accuracy on real use (agreements/drafting/proposals.py).
    """

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="draft_proposals"
    )
    proposal = models.JSONField(help_text="The extractor's proposal, as it returned it.")
    text_sha256 = models.CharField(max_length=64, help_text="SHA-256 of the release text.")
    source = models.CharField(max_length=10, choices=ProposalSource.choices)
    created_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the agreement was first published."
    )
    review = models.JSONField(
        default=dict,
        blank=True,
        help_text="Per field: kept, changed, added, removed, and tp/fp/fn for scoring.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["agreement", "reviewed_at"], name="draftproposal_review")]
        verbose_name = "proposal from a press release"
        verbose_name_plural = "proposals from press releases"

    def __str__(self):
        return f"proposal for {self.agreement.slug}"


class ReferenceRow(TimeStampedModel):
    """What ``load_reference_data`` last wrote to one reference row: a digest of the shipped
    values. A row whose values still match it was not edited since, and may be brought to
    newer shipped values; one that differs was changed by an editor and is left alone."""

    key = models.CharField(
        max_length=300, unique=True, help_text="Model and natural key, e.g. `Mineral lithium`."
    )
    digest = models.CharField(
        max_length=64, help_text="SHA-256 of the values the loader last wrote to the row."
    )

    class Meta:
        ordering = ["key"]

    def __str__(self):
        return self.key


# ---------------------------------------------------------------------------------------
# Commitments (issue 17): what an agreement promises. Due-date arithmetic, the API, feeds
# and admin live in agreements/commitments/.


class CommitmentKind(models.TextChoices):
    MEETING = "meeting", "Meeting"
    WORKING_GROUP = "working_group", "Working group"
    ROADMAP = "roadmap", "Roadmap / plan"
    FINANCING = "financing", "Financing"
    PROJECT = "project", "Project"
    INFORMATION_EXCHANGE = "information_exchange", "Information exchange"
    REVIEW = "review", "Review"
    OTHER = "other", "Other"


class CommitmentStatus(models.TextChoices):
    OPEN = "open", "Open"
    MET = "met", "Met"
    MISSED = "missed", "Missed"
    WITHDRAWN = "withdrawn", "Withdrawn"
    UNKNOWN = "unknown", "Unknown"


class DueUnit(models.TextChoices):
    DAYS = "days", "Days"
    MONTHS = "months", "Months"
    # The researched catalogue has "within five years of signing" (and one year).
    YEARS = "years", "Years"


class DueFrom(models.TextChoices):
    SIGNING = "signing", "Signing"
    ENTRY_INTO_FORCE = "entry_into_force", "Entry into force"


class CommitmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Commitments of published agreements, plus drafts' for users who see drafts."""
        if (
            user is not None
            and user.is_authenticated
            and user.has_perm("agreements.view_agreement")
        ):
            return self
        return self.filter(agreement__is_published=True)

    def overdue_on(self, on: datetime.date):
        """Open and due before ``on``: the whole due period (month, year) lies before it."""
        return self.filter(status=CommitmentStatus.OPEN, due_on__isnull=False).exclude(
            period_ends_on_or_after("due_on", on)
        )


class Commitment(TimeStampedModel):
    """Something the parties to an agreement promised to do, in the source's words, with
    when it falls due and whether it was kept."""

    key = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Stable key, used in URLs and feeds; never changes.",
    )
    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="commitments", help_text="Agreement."
    )
    text = models.CharField(max_length=300, help_text="The promise, in the source's words.")
    kind = models.CharField(
        max_length=30, choices=CommitmentKind.choices, help_text="What kind of promise it is."
    )
    responsible_parties = models.ManyToManyField(
        Party,
        blank=True,
        related_name="responsible_for_commitments",
        help_text="Parties that promised it (codes), among the agreement's; empty: all of them.",
    )
    due_on = models.DateField(
        null=True,
        blank=True,
        help_text="When it falls due; computed from `due_within` when that is given.",
    )
    due_on_precision = models.CharField(
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="How precise the due date is: day, month (the date is the 1st) or year "
        "(1 January).",
    )
    due_within = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="For a relative due date: within this many `due_unit` of `due_from`.",
    )
    due_unit = models.CharField(
        max_length=6,
        choices=DueUnit.choices,
        blank=True,
        help_text="Unit of `due_within`: days, months or years; empty without it.",
    )
    due_from = models.CharField(
        max_length=20,
        choices=DueFrom.choices,
        blank=True,
        help_text="What `due_within` counts from: the agreement's signing or its entry into "
        "force (`effective_on`); empty without it.",
    )
    status = models.CharField(
        max_length=10,
        choices=CommitmentStatus.choices,
        default=CommitmentStatus.OPEN,
        help_text="open, met, missed, withdrawn, or unknown (past due, no report either way).",
    )
    status_on = models.DateField(
        null=True, blank=True, help_text="When the status was reported (the later source)."
    )
    status_source_url = models.URLField(
        max_length=500, blank=True, help_text="The source that reports the status."
    )
    status_quote = models.TextField(
        blank=True, help_text="That source's own words about the status."
    )
    source_url = models.URLField(
        max_length=500, help_text="The source that records the promise (one of the agreement's)."
    )
    quote = models.TextField(help_text="The source's own words that record the promise.")

    objects = CommitmentQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistoricalRevision], m2m_fields=[responsible_parties])

    class Meta:
        ordering = ["agreement_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_within__isnull=True, due_unit="", due_from="")
                | (Q(due_within__isnull=False) & ~Q(due_unit="") & ~Q(due_from="")),
                name="%(app_label)s_%(class)s_relative_due_complete",
                violation_error_code="relative_due",
                violation_error_message="A relative due date needs `due_within`, `due_unit` "
                "and `due_from` together.",
            ),
            models.CheckConstraint(
                condition=Q(due_on__isnull=True)
                | Q(due_on_precision=DatePrecision.DAY)
                | Q(due_on_precision=DatePrecision.MONTH, due_on__day=1)
                | Q(due_on_precision=DatePrecision.YEAR, due_on__day=1, due_on__month=1),
                name="%(app_label)s_%(class)s_due_on_precision",
                violation_error_code="date_precision",
                violation_error_message="due_on: a month-precision date is the first of the "
                "month, a year-precision date 1 January.",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"], name="commitment_status_due"),
            models.Index(fields=["due_on", "id"], name="commitment_due"),
        ]

    def __str__(self):
        return self.text[:80]

    def clean(self):
        super().clean()
        errors = {}
        relative = (self.due_within is not None, bool(self.due_unit), bool(self.due_from))
        if any(relative) and not all(relative):
            errors["due_within"] = (
                "A relative due date needs a number, a unit and what it counts from."
            )
        if self.due_within is None and self.due_on and self.due_on_precision != DatePrecision.DAY:
            if self.due_on.day != 1 or (
                self.due_on_precision == DatePrecision.YEAR and self.due_on.month != 1
            ):
                errors["due_on"] = (
                    "With month precision the date is the first of the month; with year "
                    "precision, 1 January."
                )
        if not (self.quote or "").strip():
            errors["quote"] = "A commitment needs the source's words."
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        # A relative due date is derived from the agreement's dates, never typed.
        if self.due_within is not None and self.agreement_id:
            from agreements.commitments.dates import due_for

            self.due_on, self.due_on_precision = due_for(self, self.agreement)
        super().save(*args, **kwargs)
