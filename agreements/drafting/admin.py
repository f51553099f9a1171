"""Admin page "Add agreement from press release", and the add form pre-filled from it.

The editor pastes a release; the page shows the proposed record with its evidence marked in
the text; "Open in the add form" opens the ordinary add form with the proposal filled in
(main fields and inline rows). The proposal waits in the session until then: nothing (no
agreement, no person) is saved before the editor presses Save on the add form.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse

from agreements.drafting.evidence import evidence_rows, highlighted
from agreements.drafting.proposals import record_proposal, text_hash
from agreements.drafting.repair import commitment_rows, draft_slug, proposal_fixed
from agreements.drafting.runner import (
    MAX_TEXT_CHARS,
    DraftTimeExceeded,
    ReferenceDataMissing,
    draft_from_text,
)
from agreements.models import (
    AgreementMineral,
    AgreementParty,
    Commitment,
    Party,
    Person,
    ProposalSource,
    Signature,
    Source,
)
from minerals.models import Mineral

SESSION_KEY = "agreements.drafts_from_text"
DRAFT_PARAM = "draft"
#: Proposals kept per session: enough for a few tabs, small enough for a cookie-free session.
KEEP = 5

MAIN_FIELDS = [
    "title",
    "short_title",
    "kind",
    "status",
    "legally_binding",
    "announced_on",
    "signed_on",
    "effective_on",
    "expires_on",
    "terminated_on",
    "signed_place",
    "summary",
    "text_url",
]
DATE_FIELDS = {"announced_on", "signed_on", "effective_on", "expires_on", "terminated_on"}


class DraftFromTextForm(forms.Form):
    text = forms.CharField(
        label="Press release",
        max_length=MAX_TEXT_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18, "cols": 100, "class": "vLargeTextField"}),
        help_text="Paste the whole release, headline included.",
    )
    published_on = forms.DateField(
        label="Published on",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Relative dates in the text (“yesterday”) are read against it.",
    )
    source_url = forms.URLField(
        label="Address", required=False, max_length=500, assume_scheme="https"
    )
    publisher = forms.CharField(label="Publisher", required=False, max_length=300)

    def clean_text(self):
        text = self.cleaned_data["text"]
        if not text.strip():
            raise forms.ValidationError("Paste the text of the release.")
        return text


def _date(value) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if isinstance(value, str) and value else None


def _stash(request, extraction: dict[str, Any]) -> str:
    drafts = dict(request.session.get(SESSION_KEY, {}))
    token = uuid.uuid4().hex
    drafts[token] = extraction
    for old in list(drafts)[:-KEEP]:
        del drafts[old]
    request.session[SESSION_KEY] = drafts
    return token


def stashed_draft(request) -> dict[str, Any] | None:
    """The proposal a ``?draft=`` link points at, from this user's session."""
    token = request.GET.get(DRAFT_PARAM)
    if not token:
        return None
    return request.session.get(SESSION_KEY, {}).get(token)


def draft_from_text_view(model_admin, request):
    """Paste a release, see the proposal with its evidence, go on to the add form."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": "Add agreement from press release",
        "has_add_permission": True,
    }
    if request.method == "POST":
        form = DraftFromTextForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                extraction = draft_from_text(
                    data["text"],
                    data["published_on"],
                    source_url=data["source_url"],
                    publisher=data["publisher"],
                ).as_dict()
            except ReferenceDataMissing as exc:
                form.add_error(None, str(exc.detail))
                extraction = None
            except DraftTimeExceeded as exc:
                form.add_error("text", exc.message)
                extraction = None
        if form.is_valid():
            warnings = extraction["warnings"]
            fixed = proposal_fixed(extraction["proposal"], data["published_on"], warnings)
            token = _stash(
                request,
                {
                    "proposal": fixed,
                    "warnings": warnings,
                    "extracted": extraction["proposal"],
                    "text_sha256": text_hash(data["text"]),
                },
            )
            context.update(
                extraction=extraction,
                rows=evidence_rows(extraction),
                highlighted=highlighted(data["text"], extraction["evidence"]),
                add_url=f"{reverse('admin:agreements_agreement_add')}?{DRAFT_PARAM}={token}",
            )
    else:
        form = DraftFromTextForm()
    context["form"] = form
    return TemplateResponse(request, "admin/agreements/agreement/draft_from_text.html", context)


def _person(name: str) -> Person | None:
    value = (name or "").strip()
    return (
        Person.objects.filter(slug=value).first()
        or Person.objects.filter(name__iexact=value).order_by("pk").first()
    )


def prefill(proposal: dict[str, Any]) -> tuple[dict[str, Any], dict[type, list[dict]], list[str]]:
    """Initial data for the add form and its inlines, and notes for the editor.

    Only existing rows are referenced (by primary key); people not yet in the database are
    named in a note, and their row is left for the editor to complete, so nothing is created
    before the editor saves.
    """
    notes: list[str] = []
    codes = {p["party"] for p in proposal["parties"]} | {
        s["party"] for s in proposal["signatures"] if s.get("party")
    }
    if proposal.get("signed_country"):
        codes.add(proposal["signed_country"])
    parties = dict(Party.objects.filter(code__in=codes).values_list("code", "pk"))
    minerals = dict(
        Mineral.objects.filter(slug__in=[m["mineral"] for m in proposal["minerals"]]).values_list(
            "slug", "pk"
        )
    )
    initial: dict[str, Any] = {}
    for field in MAIN_FIELDS:
        value = proposal.get(field)
        initial[field] = _date(value) if field in DATE_FIELDS else value
    initial["legally_binding"] = proposal.get("legally_binding")
    initial["signed_country"] = parties.get(proposal.get("signed_country"))
    initial["slug"] = draft_slug(proposal)
    initial["is_published"] = False
    initial = {k: v for k, v in initial.items() if v is not None or k == "legally_binding"}

    signatures = _signature_rows(proposal, parties, notes)
    rows = {
        AgreementParty: [
            {"party": parties[p["party"]], "signed_on": _date(p.get("signed_on"))}
            for p in proposal["parties"]
            if p["party"] in parties
        ],
        Signature: signatures,
        AgreementMineral: [
            {"mineral": minerals[m["mineral"]], "stages": m.get("stages") or [], "note": ""}
            for m in proposal["minerals"]
            if m["mineral"] in minerals
        ],
        Source: [
            {
                "url": s["url"],
                "title": s.get("title") or "",
                "publisher": s.get("publisher") or "",
                "published_on": _date(s.get("published_on")),
                "kind": s.get("kind") or "press_release",
            }
            for s in proposal["sources"]
        ],
        # Saved through the commitments service by the inline's formset, with the agreement.
        Commitment: [{**row, "responsible_parties": []} for row in commitment_rows(proposal)],
    }
    return initial, rows, notes


def _signature_rows(proposal: dict[str, Any], parties: dict[str, int], notes: list[str]):
    """Signature rows for the inline: people already recorded by primary key; a person not
    yet in the database leaves the row for the editor to complete, with a note."""
    signatures = []
    for row in proposal["signatures"]:
        person = _person(row["person"])
        if person is None:
            notes.append(
                f"{row['person']} ({row.get('office') or 'no office'}, "
                f"{row.get('party') or 'no party'}) is not in the database yet: add the person "
                "in the Signatures row (the + next to Person) or delete the row."
            )
        signatures.append(
            {
                "person": person.pk if person else None,
                "party": parties.get(row.get("party")),
                "office": row.get("office") or "",
                "role": row.get("role") or "signatory",
                "signed_on": _date(row.get("signed_on")),
            }
        )
    return signatures


class DraftPrefillMixin:
    """For AgreementAdmin: the draft-from-text page, and the add form pre-filled from it."""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view(lambda request: draft_from_text_view(self, request))
        return [
            path("draft-from-text/", view, name="{}_{}_draft_from_text".format(*info)),
            *super().get_urls(),
        ]

    def _draft_prefill(self, request):
        if request.method != "GET" or not hasattr(request, "session"):
            return None
        if not hasattr(request, "_draft_prefill"):
            draft = stashed_draft(request)
            request._draft_prefill = prefill(draft["proposal"]) if draft else None
        return request._draft_prefill

    def add_view(self, request, form_url="", extra_context=None):
        draft = self._draft_prefill(request)
        if draft is not None:
            warnings = stashed_draft(request)["warnings"]
            for line in warnings + draft[2]:
                messages.warning(request, line)
            messages.info(
                request,
                "Filled in from the press release. Nothing is saved until you press Save.",
            )
        return super().add_view(request, form_url, extra_context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        draft = stashed_draft(request) if not change else None
        if draft and "extracted" in draft:
            # One proposal, one agreement: the link is used up by this save.
            record_proposal(
                form.instance,
                draft["extracted"],
                source=ProposalSource.ADMIN,
                text_sha256=draft["text_sha256"],
                user=request.user,
            )
            drafts = dict(request.session.get(SESSION_KEY, {}))
            drafts.pop(request.GET.get(DRAFT_PARAM), None)
            request.session[SESSION_KEY] = drafts

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.pop(DRAFT_PARAM, None)
        draft = self._draft_prefill(request)
        if draft is not None:
            initial.update(draft[0])
        return initial

    def get_formsets_with_inlines(self, request, obj=None):
        draft = self._draft_prefill(request) if obj is None else None
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            rows = draft[1].get(inline.model, []) if draft else []
            if len(rows) > formset.extra:
                # One blank form per proposed row; the inline's own extra otherwise.
                formset = inline.get_formset(request, obj, extra=len(rows))
            yield formset, inline

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        draft = self._draft_prefill(request) if obj is None or obj.pk is None else None
        if draft and draft[1].get(inline.model):
            kwargs["initial"] = draft[1][inline.model]
        return kwargs
