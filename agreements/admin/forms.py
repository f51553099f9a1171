"""The agreement page's forms and inline collections, with the check across them
(the same collection rules as the API's, run on the formsets' rows)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from agreements import services
from agreements.commitments.services import dropped_parties_messages
from agreements.models import (
    PRECISE_DATES,
    Agreement,
    AgreementMineral,
    AgreementParty,
    Claim,
    RelatedAgreement,
    Signature,
    Source,
    Stage,
)
from agreements.validation import (
    MAX_ITEMS,
    CollectionError,
    SignatureKey,
    agreement_collection_errors,
)


class CrossCheck:
    """Runs the cross-row rules once over every inline of one submission and hands each
    inline the errors on its own rows."""

    # validation.py names a related agreement "agreement"; the inline calls it "to_agreement".
    FIELD_NAMES = {"agreement": "to_agreement"}

    def __init__(self, agreement, formsets):
        self.agreement = agreement
        self.by_name = {fs.collection: fs for fs in formsets if hasattr(fs, "collection")}
        self.formsets = formsets
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
                parties=values("parties", self._code),
                signatures=[
                    SignatureKey(
                        person=str(d["person"].pk) if d.get("person") else "",
                        role=d.get("role") or services.default_of(Signature, "role"),
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
            parties = self.by_name.get("parties")
            if (
                parties is not None
                and getattr(parties, "editable", True)
                and all(form.is_valid() for form in parties.forms)
            ):
                self._errors += self._dropped_parties(values("parties", self._code))
        return self._errors

    @staticmethod
    def _code(data):
        return data["party"].code if data.get("party") else None

    def _dropped_parties(self, kept: list[str]) -> list[CollectionError]:
        """A party dropped while stored commitments still name it (the API's rule). The
        commitments posted on this page are checked on their own rows instead (by their
        formset, against the parties posted), and saved before the agreement."""
        posted = set()
        for formset in self.formsets:
            if getattr(formset, "checks_parties", False) and getattr(formset, "editable", True):
                posted |= {f.instance.pk for f in formset.initial_forms}
        messages = dropped_parties_messages(self.agreement, kept, ignore=posted)
        return [CollectionError("parties", None, None, m) for m in messages]

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


def cleaned_item(collection: str, cleaned: dict) -> dict:
    """An inline row's cleaned data as the agreement service takes a collection item."""
    _, _, keys, values = services.collection_fields()[collection]
    return {f: cleaned[f] for f in (*keys, *values) if f in cleaned}


def note_changes(formset) -> None:
    """What the admin's change message lists (the service, not the formset, saved it)."""
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for form in formset.forms:
        if not form.is_valid() or not form.has_changed():
            continue
        if form.cleaned_data.get("DELETE"):
            if form.instance.pk is not None:
                formset.deleted_objects.append(form.instance)
        elif form.instance.pk is None:
            formset.new_objects.append(form.instance)
        else:
            formset.changed_objects.append((form.instance, form.changed_data))


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
                data[f"{name}_precision"] = services.default_of(Agreement, f"{name}_precision")
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
