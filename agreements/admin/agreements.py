"""The editors' workplace: agreements with every nested collection on one page."""

import datetime
import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from agreements import services
from agreements.commitments.admin import CommitmentInline
from agreements.drafting.admin import DraftPrefillMixin
from agreements.drafting.proposals import history_scores
from agreements.models import (
    PRECISE_DATES,
    Agreement,
    AgreementMineral,
    AgreementParty,
    Claim,
    ClaimStatus,
    Conflict,
    DatePrecision,
    DraftProposal,
    Party,
    Person,
    RelatedAgreement,
    Signature,
    SignatureRole,
    Source,
    Stage,
)
from agreements.validation import MAX_ITEMS, SignatureKey, agreement_collection_errors
from config.history_admin import HistoryAdmin
from minerals.models import Mineral


class CrossCheck:
    """Runs the cross-row rules once over every inline of one submission and hands each
    inline the errors on its own rows."""

    # validation.py names a related agreement "agreement"; the inline calls it "to_agreement".
    FIELD_NAMES = {"agreement": "to_agreement"}

    def __init__(self, agreement, formsets):
        self.agreement = agreement
        self.by_name = {fs.collection: fs for fs in formsets if hasattr(fs, "collection")}
        self._errors = None

    @staticmethod
    def rows(formset):
        """The (form, cleaned_data) pairs the save would keep."""
        kept = []
        for form in formset.forms:
            if not form.is_valid() or (form.instance.pk is None and not form.has_changed()):
                continue
            data = form.cleaned_data
            if not data or data.get("DELETE"):
                continue
            kept.append((form, data))
        return kept

    def errors(self):
        if self._errors is None:
            rows = {name: self.rows(fs) for name, fs in self.by_name.items()}

            def values(name, fn):
                return [fn(d) for _, d in rows.get(name, []) if fn(d) is not None]

            self.rows_by_name = rows
            self._errors = agreement_collection_errors(
                is_published=bool(self.agreement.is_published),
                parties=values("parties", lambda d: d["party"].code if d.get("party") else None),
                signatures=[
                    SignatureKey(
                        person=str(d["person"].pk) if d.get("person") else "",
                        role=d.get("role") or SignatureRole.SIGNATORY,
                        party=d["party"].code if d.get("party") else None,
                    )
                    for _, d in rows.get("signatures", [])
                ],
                minerals=values(
                    "minerals", lambda d: d["mineral"].slug if d.get("mineral") else None
                ),
                sources=values("sources", lambda d: d.get("url") or None),
                related=values(
                    "related", lambda d: d["to_agreement"].slug if d.get("to_agreement") else None
                ),
                slug=self.agreement.slug or None,
            )
        return self._errors

    def apply(self, formset):
        errors = [e for e in self.errors() if e.collection == formset.collection]
        rows = self.rows_by_name.get(formset.collection, [])
        whole = []
        for err in errors:
            if err.index is None or err.index >= len(rows):
                whole.append(err.message)
                continue
            form, _ = rows[err.index]
            field = self.FIELD_NAMES.get(err.field, err.field)
            field = field if field in form.fields else None
            if err.collection == "signatures" and err.field == "person":
                # Duplicates are reported on the person; the names differ from the slug rule.
                message = "This person already has this role on the agreement."
            else:
                message = err.message
            form.add_error(field, message)
        if whole:
            raise ValidationError(whole)


class AgreementInlineFormSet(BaseInlineFormSet):
    collection = ""
    cross_check: CrossCheck | None = None

    def validate_unique(self):
        # CrossCheck reports duplicates on the row at fault, in words; Django's own check
        # would mark the row invalid first with a generic "Please correct the duplicate data".
        if self.cross_check is None:
            super().validate_unique()

    def clean(self):
        super().clean()
        if self.cross_check is not None:
            self.cross_check.apply(self)


def formset_for(name):
    return type(f"{name.title()}FormSet", (AgreementInlineFormSet,), {"collection": name})


class CappedInline(admin.TabularInline):
    """An inline holding at most the collection's cap of rows (as the API does)."""

    def get_max_num(self, request, obj=None, **kwargs):
        return MAX_ITEMS[self.formset.collection]


class AgreementPartyInline(CappedInline):
    model = AgreementParty
    formset = formset_for("parties")
    autocomplete_fields = ["party"]
    fields = ["party", "signed_on", "ratified_on", "withdrawn_on"]
    extra = 0
    min_num = 0


class SignatureInline(CappedInline):
    model = Signature
    formset = formset_for("signatures")
    autocomplete_fields = ["person", "party"]
    fields = ["person", "party", "office", "role", "signed_on"]
    extra = 0


class AgreementMineralForm(forms.ModelForm):
    stages = forms.MultipleChoiceField(
        choices=Stage.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Value-chain stages the agreement covers for this mineral.",
    )

    class Meta:
        model = AgreementMineral
        fields = ["mineral", "stages", "note"]


class AgreementMineralInline(CappedInline):
    model = AgreementMineral
    form = AgreementMineralForm
    formset = formset_for("minerals")
    autocomplete_fields = ["mineral"]
    extra = 0


class SourceInline(CappedInline):
    model = Source
    formset = formset_for("sources")
    fields = ["url", "title", "publisher", "published_on", "kind"]
    extra = 0


class RelatedAgreementInline(CappedInline):
    model = RelatedAgreement
    formset = formset_for("related")
    fk_name = "from_agreement"
    autocomplete_fields = ["to_agreement"]
    fields = ["to_agreement", "kind"]
    extra = 0
    verbose_name = "related agreement"
    verbose_name_plural = "related agreements"


class AgreementAdminForm(forms.ModelForm):
    """A date's precision may be left out (a form built before precision existed): day."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in PRECISE_DATES:
            if f"{name}_precision" in self.fields:
                self.fields[f"{name}_precision"].required = False

    def clean(self):
        data = super().clean()
        for name in PRECISE_DATES:
            if not data.get(f"{name}_precision"):
                data[f"{name}_precision"] = DatePrecision.DAY
        return data


class ClaimInline(admin.TabularInline):
    model = Claim
    fields = ["field", "row", "value", "source_url", "quote", "status", "chosen", "note"]
    extra = 0
    classes = ["collapse"]
    verbose_name = "claim (provenance)"
    verbose_name_plural = "claims (provenance: which source says what)"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in {"quote", "note"} and field is not None:
            field.widget = forms.Textarea(attrs={"rows": 2, "cols": 40})
        return field


class HistoryTimeline:
    """One agreement's change history, nested collections included, as readable edits.

    simple-history keeps a table per model; an editor thinks in saves ("added a signature,
    published it"), so the records of every table that belongs to the agreement are merged,
    diffed against the previous version of the same row and grouped into one entry per
    save (same user, within a couple of seconds).
    """

    SAME_SAVE = datetime.timedelta(seconds=2)
    LIMIT = 500
    HIDDEN = {"id", "agreement", "from_agreement", "created_at", "updated_at"}
    ACTIONS = {"+": "added", "~": "changed", "-": "removed"}

    def __init__(self, agreement: Agreement):
        self.agreement = agreement

    def sources(self):
        pk = self.agreement.pk
        return [
            (Agreement, Agreement.history.filter(id=pk)),
            (AgreementParty, AgreementParty.history.filter(agreement_id=pk)),
            (Signature, Signature.history.filter(agreement_id=pk)),
            (AgreementMineral, AgreementMineral.history.filter(agreement_id=pk)),
            (Source, Source.history.filter(agreement_id=pk)),
            (RelatedAgreement, RelatedAgreement.history.filter(from_agreement_id=pk)),
        ]

    def entries(self):
        records = []
        for model, qs in self.sources():
            tracked = {f.attname for f in qs.model._meta.concrete_fields}
            fields = [
                f
                for f in model._meta.concrete_fields
                if f.name not in self.HIDDEN and f.attname in tracked
            ]
            rows = qs.select_related("history_user").order_by("id", "history_date")
            previous = {}
            for rec in rows:
                records.append((rec, model, fields, previous.get(rec.id)))
                previous[rec.id] = rec
        labels = self._labels(records)
        records.sort(key=lambda r: r[0].history_date, reverse=True)
        groups = []
        for rec, model, fields, before in records[: self.LIMIT]:
            item = {
                "action": self.ACTIONS.get(rec.history_type, rec.history_type),
                "what": self._describe(rec, model, labels),
                "changes": self._changes(rec, fields, before, labels),
                "version_id": rec.history_id if model is Agreement else None,
            }
            if model is Agreement and rec.history_type == "+":
                item["action"] = "created"
            if item["action"] == "changed" and not item["changes"]:
                continue  # saved without a change (e.g. timestamps only)
            last = groups[-1] if groups else None
            if (
                last
                and last["user_id"] == rec.history_user_id
                and last["oldest"] - rec.history_date <= self.SAME_SAVE
            ):
                last["items"].append(item)
                last["oldest"] = rec.history_date
            else:
                groups.append(
                    {
                        "date": rec.history_date,
                        "oldest": rec.history_date,
                        "user": rec.history_user,
                        "user_id": rec.history_user_id,
                        "items": [item],
                    }
                )
        for group in groups:
            # Within one save, the agreement itself first, then its collections.
            group["items"].reverse()
            group["items"].sort(key=lambda i: i["version_id"] is None)
        return groups

    @staticmethod
    def _labels(records):
        wanted = {Party: set(), Person: set(), Mineral: set(), Agreement: set()}
        fk_models = {
            "party_id": Party,
            "signed_country_id": Party,
            "person_id": Person,
            "mineral_id": Mineral,
            "to_agreement_id": Agreement,
        }
        for rec, *_ in records:
            for attname, model in fk_models.items():
                value = getattr(rec, attname, None)
                if value is not None:
                    wanted[model].add(value)
        labels = {}
        for model, ids in wanted.items():
            if not ids:
                continue
            for obj in model._default_manager.filter(pk__in=ids):
                labels[(model, obj.pk)] = obj.code if model is Party else str(obj)
        return labels

    def _value(self, rec, field, labels):
        value = getattr(rec, field.attname)
        if value is None or value == "" or value == []:
            return "—"
        if field.is_relation:
            return labels.get((field.related_model, value), f"#{value}")
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, list):
            display = dict(Stage.choices)
            return ", ".join(str(display.get(v, v)) for v in value)
        return str(value)

    def _changes(self, rec, fields, before, labels):
        if rec.history_type == "-":
            return []
        changes = []
        for field in fields:
            new = self._value(rec, field, labels)
            if before is None:
                if new != "—":
                    changes.append({"field": field.verbose_name, "old": None, "new": new})
                continue
            old = self._value(before, field, labels)
            if old != new:
                changes.append({"field": field.verbose_name, "old": old, "new": new})
        return changes

    @staticmethod
    def _describe(rec, model, labels):
        if model is Agreement:
            return "agreement"
        if model is AgreementParty:
            return f"party {labels.get((Party, rec.party_id), rec.party_id)}"
        if model is Signature:
            person = labels.get((Person, rec.person_id), rec.person_id)
            return f"signature of {person} ({rec.role})"
        if model is AgreementMineral:
            return f"mineral {labels.get((Mineral, rec.mineral_id), rec.mineral_id)}"
        if model is Source:
            return f"source {rec.url}"
        return f"link to {labels.get((Agreement, rec.to_agreement_id), rec.to_agreement_id)}"


def titled(filter_class, title):
    """A field list filter under another heading ("By publication", not "By is published")."""

    class Filter(filter_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = title

    return Filter


class PartyListFilter(admin.SimpleListFilter):
    title = "party"
    parameter_name = "party"

    def lookups(self, request, model_admin):
        used = Party.objects.filter(agreement_parties__isnull=False).distinct().order_by("name")
        return [(p.code, p.name) for p in used]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(agreement_parties__party__code=self.value())
        return queryset


class MineralListFilter(admin.SimpleListFilter):
    title = "mineral"
    parameter_name = "mineral"

    def lookups(self, request, model_admin):
        used = Mineral.objects.filter(agreement_minerals__isnull=False).distinct().order_by("name")
        return [(m.slug, m.name) for m in used]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(agreement_minerals__mineral__slug=self.value())
        return queryset


@admin.register(Agreement)
class AgreementAdmin(DraftPrefillMixin, HistoryAdmin):
    form = AgreementAdminForm
    list_display = [
        "__str__",
        "party_codes",
        "signed_on",
        "kind",
        "status",
        "published",
    ]
    list_filter = [
        "status",
        "kind",
        PartyListFilter,
        MineralListFilter,
        ("is_published", titled(admin.BooleanFieldListFilter, "publication")),
        "legally_binding",
    ]
    search_fields = [
        "title",
        "short_title",
        "summary",
        "signed_place",
        "signatures__person__name",
    ]
    date_hierarchy = "signed_on"
    autocomplete_fields = ["signed_country"]
    readonly_fields = ["api_link", "created_at", "updated_at"]
    list_per_page = 100
    actions = ["publish", "unpublish"]
    inlines = [
        AgreementPartyInline,
        SignatureInline,
        AgreementMineralInline,
        SourceInline,
        RelatedAgreementInline,
        ClaimInline,
        CommitmentInline,  # issue 17
    ]
    fieldsets = [
        (None, {"fields": ["title", "short_title", "slug", "kind", "status", "legally_binding"]}),
        (
            "Dates and place",
            {
                "fields": [
                    ("announced_on", "announced_on_precision"),
                    ("signed_on", "signed_on_precision"),
                    ("effective_on", "effective_on_precision"),
                    ("expires_on", "expires_on_precision"),
                    ("terminated_on", "terminated_on_precision"),
                    "signed_place",
                    "signed_country",
                ],
                "description": "A date known only to the month is entered as the 1st with "
                "precision “month”; known only to the year, as 1 January with “year”.",
            },
        ),
        ("Content", {"fields": ["summary", "text_url"]}),
        ("Publication", {"fields": ["is_published", "api_link", "created_at", "updated_at"]}),
    ]
    prepopulated_fields = {"slug": ["title"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "agreement_parties",
                    queryset=AgreementParty.objects.select_related("party").order_by("party__code"),
                )
            )
        )

    @admin.display(description="parties")
    def party_codes(self, obj):
        return ", ".join(p.party.code for p in obj.agreement_parties.all())

    @admin.display(description="published", boolean=True, ordering="is_published")
    def published(self, obj):
        return obj.is_published

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in {"title", "text_url"} and field is not None:
            # Titles of instruments run long; the default input shows a third of one.
            field.widget.attrs["class"] = "vLargeTextField"
        return field

    def change_view(self, request, object_id, form_url="", extra_context=None):
        agreement = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if agreement is not None:
            context["api_url"] = reverse("api:agreement-detail", kwargs={"slug": agreement.slug})
        return super().change_view(request, object_id, form_url, extra_context=context)

    @admin.display(description="API")
    def api_link(self, obj):
        if not obj or not obj.pk:
            return "Saved agreements have an API representation."
        url = reverse("api:agreement-detail", kwargs={"slug": obj.slug})
        return format_html('<a href="{}">View in API</a>', url)

    object_history_template = "admin/agreements/agreement/object_history.html"

    def history_view(self, request, object_id, extra_context=None):
        agreement = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if agreement is not None:
            context["timeline"] = HistoryTimeline(agreement).entries()
        return super().history_view(request, object_id, extra_context=context)

    def has_publish_permission(self, request):
        return request.user.has_perm("agreements.publish_agreement")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            fields.append("is_published")
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else self.prepopulated_fields

    def _create_formsets(self, request, obj, change):
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        check = CrossCheck(obj, formsets)
        for formset in formsets:
            formset.cross_check = check
        return formsets, inline_instances

    def save_model(self, request, obj, form, change):
        if not self.has_publish_permission(request):
            # The field is read-only for editors; keep the stored value whatever was posted.
            stored = Agreement.objects.filter(pk=obj.pk).values_list("is_published", flat=True)
            obj.is_published = bool(stored and stored[0])
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.agreement_refresh_search(form.instance)

    def _set_published(self, request, queryset, published: bool):
        done, refused = 0, []
        for agreement in queryset.prefetch_related("agreement_parties", "sources"):
            if published:
                errors = agreement_collection_errors(
                    is_published=True,
                    parties=[p.party_id for p in agreement.agreement_parties.all()],
                    signatures=[],
                    minerals=[],
                    sources=[s.url for s in agreement.sources.all()],
                    related=[],
                )
                if errors:
                    refused.append(f"{agreement}: {' '.join(e.message for e in errors)}")
                    continue
            if agreement.is_published != published:
                services.agreement_set_published(agreement, published)
                done += 1
        verb = "Published" if published else "Unpublished"
        self.message_user(request, f"{verb} {done} agreement(s).", messages.SUCCESS)
        for line in refused:
            self.message_user(request, f"Not published: {line}", messages.ERROR)

    @admin.action(description="Publish selected agreements", permissions=["publish"])
    def publish(self, request, queryset):
        self._set_published(request, queryset, True)

    @admin.action(description="Unpublish selected agreements", permissions=["publish"])
    def unpublish(self, request, queryset):
        self._set_published(request, queryset, False)


@admin.register(Party)
class PartyAdmin(HistoryAdmin):
    list_display = ["code", "name", "kind", "country"]
    list_select_related = ["country"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["country"]
    readonly_fields = ["created_at", "updated_at"]


class PersonSignatureInline(admin.TabularInline):
    model = Signature
    fields = ["agreement", "party", "office", "role", "signed_on"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "signatures"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(HistoryAdmin):
    list_display = ["name", "slug", "offices"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    inlines = [PersonSignatureInline]

    def get_inlines(self, request, obj):
        # A new person (often added from an agreement's "+" popup) has no signatures yet.
        return self.inlines if obj is not None else []

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("signatures")

    @admin.display(description="offices")
    def offices(self, obj):
        offices = sorted({s.office for s in obj.signatures.all() if s.office})
        return format_html_join(", ", "{}", ((o,) for o in offices))


admin.site.site_header = "Critical Minerals Agreement Tracker"
admin.site.site_title = "Agreement Tracker"
admin.site.index_title = "Editors' workplace"


@admin.register(Claim)
class ClaimAdmin(HistoryAdmin):
    """Every claim across the catalogue; filter by status to review uncertain facts."""

    list_display = ["agreement", "field", "row", "short_value", "status", "chosen", "source_url"]
    list_filter = ["status", "field", "chosen"]
    list_select_related = ["agreement"]
    search_fields = ["agreement__title", "agreement__slug", "quote", "row", "note"]
    autocomplete_fields = ["agreement"]
    list_per_page = 100

    @admin.display(description="value")
    def short_value(self, obj):
        text = obj.value if isinstance(obj.value, str) else json.dumps(obj.value)
        return text if len(text) <= 60 else text[:57] + "…"


@admin.register(Conflict)
class ConflictAdmin(ClaimAdmin):
    """The disputed facts: fields whose sources disagree, with the value each gives."""

    list_display = ["agreement", "field", "row", "short_value", "chosen", "source_url", "note"]
    list_filter = ["field"]
    ordering = ["agreement__slug", "field", "row", "-chosen"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=ClaimStatus.DISPUTED)


@admin.register(DraftProposal)
class DraftProposalAdmin(admin.ModelAdmin):
    """Read-only: the extractor's proposals and what editors made of them, with the
    precision and recall per field over every published one (publishers only)."""

    list_display = [
        "agreement_link",
        "source",
        "created_by",
        "created_at",
        "reviewed_at",
        "outcome",
    ]
    list_filter = ["source", ("reviewed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["agreement", "created_by"]
    fields = [
        "agreement",
        "source",
        "created_by",
        "created_at",
        "reviewed_at",
        "text_sha256",
        "proposal",
        "review",
    ]
    readonly_fields = fields
    change_list_template = "admin/agreements/draftproposal/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="agreement", ordering="agreement__slug")
    def agreement_link(self, obj):
        url = reverse("admin:agreements_agreement_change", args=[obj.agreement_id])
        return format_html('<a href="{}">{}</a>', url, obj.agreement.slug)

    @admin.display(description="kept / changed / added / removed")
    def outcome(self, obj):
        if not obj.reviewed_at:
            return "not published yet"
        totals = [0, 0, 0, 0]
        for item in obj.review.values():
            for i, key in enumerate(("kept", "changed", "added", "removed")):
                totals[i] += int(item.get(key, 0))
        return " / ".join(str(t) for t in totals)

    def changelist_view(self, request, extra_context=None):
        scores = history_scores()
        extra_context = {
            **(extra_context or {}),
            "accuracy": [{"field": f, **r} for f, r in scores["fields"].items()],
            "reviewed": scores["count"],
        }
        return super().changelist_view(request, extra_context)
