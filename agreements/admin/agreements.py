"""The editors' workplace: agreements with every nested collection on one page."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from agreements import services
from agreements.admin.forms import (
    AgreementAdminForm,
    AgreementMineralInline,
    AgreementPartyInline,
    ClaimInline,
    CrossCheck,
    RelatedAgreementInline,
    SignatureInline,
    SourceInline,
    cleaned_item,
    note_changes,
)
from agreements.admin.timeline import HistoryTimeline
from agreements.commitments.admin import CommitmentInline
from agreements.drafting.admin import DraftPrefillMixin
from agreements.models import (
    Agreement,
    AgreementParty,
    Party,
)
from agreements.sync.changelog import revision_scope
from agreements.validation import agreement_collection_errors
from config.history_admin import HistoryAdmin
from minerals.models import Mineral


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
        CommitmentInline,
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
        for formset, inline in zip(formsets, inline_instances, strict=True):
            formset.cross_check = check
            # A view-only inline's rows are not in the POST: its collection stays as stored.
            formset.editable = inline.has_change_permission(request, obj if change else None)
        return formsets, inline_instances

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A rule the service enforces under its write lock can still refuse a form that
        passed validation when another write landed in between (a commitment naming a party
        this form drops): the page's transaction is rolled back, nothing is saved, and the
        editor is sent back to the page with the reason instead of a server error."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            if request.method != "POST":
                raise
            reasons = " ".join(exc.messages)
            self.message_user(
                request,
                f"Not saved: the agreement changed while you edited it. {reasons}",
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        """Nothing yet: the agreement and its collections are one write, in save_related."""

    def save_related(self, request, form, formsets, change):
        """The form and the inline formsets' rows feed the agreement service, as the API
        does: one write (rules, revision, change log, search text); claims join its revision.
        A field the user may not edit (``is_published`` for editors) is not in the form's
        data, so the stored value stays."""
        obj = form.instance
        data = {f: form.cleaned_data[f] for f in services.agreement_fields() if f in form.fields}
        collections = {
            fs.collection: [cleaned_item(fs.collection, d) for _, d in CrossCheck.rows(fs)]
            for fs in formsets
            if getattr(fs, "collection", "") and getattr(fs, "editable", True)
        }
        stored = Agreement.objects.get(pk=obj.pk) if change else obj
        # On a change, the commitments first: the service refuses to drop a party that a
        # stored commitment still names (CommitmentFormSet.checks_parties).
        first = [fs for fs in formsets if change and getattr(fs, "checks_parties", False)]
        with revision_scope():
            for formset in first:
                self.save_formset(request, form, formset, change=change)
            saved = services.agreement_save(
                agreement=stored, data=data, collections=collections, user=request.user
            )
            obj.pk, obj.slug = saved.pk, saved.slug
            others = []
            for formset in formsets:
                if getattr(formset, "collection", ""):
                    note_changes(formset)
                elif formset not in first:
                    others.append(formset)
            # Claims, and what the mixins add (the draft's proposal), in the same revision.
            super().save_related(request, form, others, change)

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
                services.agreement_set_published(agreement, published, user=request.user)
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
