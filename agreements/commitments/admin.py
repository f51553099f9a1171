"""Commitments in the admin: an inline on the agreement page, and a list of what is due."""

from django import forms
from django.contrib import admin
from django.db.models import F
from django.forms.models import BaseInlineFormSet
from django.utils import timezone

from agreements.commitments.serializers import NESTED_FIELDS
from agreements.commitments.services import COMMITMENT_FIELDS, commitment_delete, commitment_save
from agreements.models import AgreementParty, Commitment, CommitmentStatus
from config.history_admin import HistoryAdmin

MAX_COMMITMENTS = 100


class CommitmentForm(forms.ModelForm):
    """Responsible parties must be parties to the agreement (those stored; on the agreement
    page the inline's formset checks against the parties posted with it instead)."""

    check_parties = True

    class Meta:
        model = Commitment
        fields = ["agreement", *(f for f in NESTED_FIELDS if f != "key")]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2, "cols": 40}),
            "quote": forms.Textarea(attrs={"rows": 2, "cols": 40}),
            "status_quote": forms.Textarea(attrs={"rows": 2, "cols": 40}),
        }

    def clean(self):
        data = super().clean()
        chosen = {p.code for p in data.get("responsible_parties") or []}
        if not self.check_parties or not chosen or not data.get("agreement"):
            return data
        allowed = set(
            AgreementParty.objects.filter(agreement=data["agreement"]).values_list(
                "party__code", flat=True
            )
        )
        outside = sorted(chosen - allowed)
        if outside:
            self.add_error(
                "responsible_parties",
                "Not a party to the agreement: " + ", ".join(outside) + ".",
            )
        return data


class CommitmentInlineForm(CommitmentForm):
    check_parties = False  # CommitmentFormSet compares with the parties posted alongside


class CommitmentFormSet(BaseInlineFormSet):
    # Its rows are checked against the parties posted with them (below), so the agreement
    # page's check of dropped parties leaves them out; and on a change they are saved
    # before the agreement, so that a party dropped from the agreement and from its
    # commitments in one submission passes the agreement service's check.
    checks_parties = True

    def clean(self):
        # The agreement page's other inlines are reachable through the cross-check the
        # agreement admin hands every formset: compare with the parties being saved.
        parties = getattr(getattr(self, "cross_check", None), "by_name", {}).get("parties")
        if parties is None and self.instance.pk is None:
            codes = set()
        elif parties is None:
            codes = set(self.instance.agreement_parties.values_list("party__code", flat=True))
        else:
            codes = {
                data["party"].code
                for _, data in parties.cross_check.rows(parties)
                if data.get("party")
            }
        for form in self.forms:
            if (
                form.is_bound
                and getattr(form, "cleaned_data", None)
                and not form.cleaned_data.get("DELETE")
            ):
                chosen = {p.code for p in form.cleaned_data.get("responsible_parties") or []}
                outside = sorted(chosen - codes)
                if outside:
                    form.add_error(
                        "responsible_parties",
                        "Not a party to the agreement: " + ", ".join(outside) + ".",
                    )
        super().clean()

    # Rows are written through the commitments service, as the API and the catalogue
    # loader write them (inside the agreement page's transaction).

    def _save_row(self, form, commitment):
        data = {f: form.cleaned_data[f] for f in COMMITMENT_FIELDS if f in form.cleaned_data}
        saved = commitment_save(
            commitment=commitment,
            agreement=self.instance,
            data=data,
            responsible_parties=list(form.cleaned_data.get("responsible_parties") or []),
        )
        form.instance = saved
        return saved

    def save_new(self, form, commit=True):
        if not commit:
            return super().save_new(form, commit=commit)
        return self._save_row(form, None)

    def save_existing(self, form, obj, commit=True):
        if not commit:
            return super().save_existing(form, obj, commit=commit)
        # A fresh copy: the form has already written its values onto ``obj``.
        return self._save_row(form, Commitment.objects.get(pk=obj.pk))

    def delete_existing(self, obj, commit=True):
        if commit:
            commitment_delete(commitment=obj)


class CommitmentInline(admin.StackedInline):
    """On the agreement page (a few lines in AgreementAdmin.inlines)."""

    model = Commitment
    form = CommitmentInlineForm
    formset = CommitmentFormSet
    fields = [
        "text",
        ("kind", "status", "status_on"),
        "responsible_parties",
        ("due_on", "due_on_precision"),
        ("due_within", "due_unit", "due_from"),
        ("source_url", "quote"),
        ("status_source_url", "status_quote"),
    ]
    autocomplete_fields = ["responsible_parties"]
    extra = 0
    max_num = MAX_COMMITMENTS
    classes = ["collapse"]
    verbose_name_plural = "commitments (what the agreement promises)"


class StatusFilter(admin.SimpleListFilter):
    """Open commitments unless another status (or all) is chosen."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*CommitmentStatus.choices, ("all", "All")]

    def queryset(self, request, queryset):
        value = self.value() or CommitmentStatus.OPEN
        return queryset if value == "all" else queryset.filter(status=value)

    def choices(self, changelist):
        current = self.value() or CommitmentStatus.OPEN
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


class OverdueFilter(admin.SimpleListFilter):
    """Open and due before today (a month or year due date once its period is over)."""

    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue"), ("no", "Not overdue")]

    def queryset(self, request, queryset):
        overdue = Commitment.objects.overdue_on(timezone.localdate()).values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=overdue)
        if self.value() == "no":
            return queryset.exclude(pk__in=overdue)
        return queryset


@admin.register(Commitment)
class CommitmentAdmin(HistoryAdmin):
    form = CommitmentForm
    list_display = ["__str__", "agreement", "kind", "due_on", "due_on_precision", "status"]
    list_select_related = ["agreement"]
    list_filter = [StatusFilter, OverdueFilter, "kind"]
    search_fields = ["text", "agreement__title", "agreement__slug"]
    autocomplete_fields = ["agreement", "responsible_parties"]
    readonly_fields = ["key", "created_at", "updated_at"]
    ordering = [F("due_on").asc(nulls_last=True), "id"]
    list_per_page = 100
