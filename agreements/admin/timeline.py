"""The agreement page's history: one entry per revision, with what each write changed."""

from agreements.models import (
    Agreement,
    AgreementMineral,
    AgreementParty,
    Commitment,
    Party,
    Person,
    RelatedAgreement,
    Signature,
    Source,
    Stage,
)
from minerals.models import Mineral


class HistoryTimeline:
    """One agreement's change history, nested collections included, as readable edits.

    simple-history keeps a table per model; an editor thinks in saves ("added a signature,
    published it"), so the records of every table that belongs to the agreement are merged,
    diffed against the previous version of the same row and grouped into one entry per
    save: the versions one write stamped with its revision id.
    """

    LIMIT = 500
    HIDDEN = {"id", "key", "agreement", "from_agreement", "created_at", "updated_at"}
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
            (Commitment, Commitment.history.filter(agreement_id=pk)),
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
        records.sort(key=lambda r: (r[0].history_date, r[0].history_id), reverse=True)
        groups: dict = {}
        for rec, model, fields, before in records[: self.LIMIT]:
            item = self._item(rec, model, fields, before, labels)
            if item is None:
                continue
            # One entry per write: its revision (a version written outside any is its own).
            key = rec.revision or (model, rec.history_id)
            if key not in groups:
                groups[key] = {"date": rec.history_date, "user": rec.history_user, "items": []}
            groups[key]["items"].append(item)
        for group in groups.values():
            # Within one save, the agreement itself first, then its collections.
            group["items"].reverse()
            group["items"].sort(key=lambda i: i["version_id"] is None)
        return list(groups.values())

    def _item(self, rec, model, fields, before, labels) -> dict | None:
        item = {
            "action": self.ACTIONS.get(rec.history_type, rec.history_type),
            "what": self._describe(rec, model, labels),
            "changes": self._changes(rec, fields, before, labels),
            "version_id": rec.history_id if model is Agreement else None,
        }
        if model is Agreement and rec.history_type == "+":
            item["action"] = "created"
        if item["action"] == "changed" and not item["changes"]:
            return None  # saved without a change (e.g. timestamps only)
        return item

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
        if model is Commitment:
            text = rec.text if len(rec.text) <= 60 else rec.text[:59] + "…"
            return f"commitment “{text}”"
        return f"link to {labels.get((Agreement, rec.to_agreement_id), rec.to_agreement_id)}"
