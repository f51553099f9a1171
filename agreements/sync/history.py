"""An agreement's change history, rebuilt from django-simple-history's tables.

Every write (API call, admin save, command) stamps all the versions it creates with one
revision id. A history entry is one version of the agreement together with the child
versions of the same revision; replaying them in order gives the full state after each
write, and consecutive states are compared field by field. Anonymous readers only get
the published states, compared with each other, so no draft content ever reaches them.
"""

from typing import Any

from agreements.models import (
    Agreement,
    AgreementMineral,
    AgreementParty,
    Party,
    Person,
    RelatedAgreement,
    Signature,
    Source,
)
from agreements.services import AGREEMENT_FIELDS
from minerals.models import Mineral

SCALARS = AGREEMENT_FIELDS

# collection: (model, parent column, key fields, value fields) in representation names
CHILDREN = {
    "parties": (
        AgreementParty,
        "agreement_id",
        ("party",),
        ("signed_on", "ratified_on", "withdrawn_on"),
    ),
    "signatures": (Signature, "agreement_id", ("person", "role"), ("party", "office", "signed_on")),
    "minerals": (AgreementMineral, "agreement_id", ("mineral",), ("stages", "note")),
    "sources": (Source, "agreement_id", ("url",), ("title", "publisher", "published_on", "kind")),
    "related": (RelatedAgreement, "from_agreement_id", ("agreement",), ("kind",)),
}


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


class _Names:
    """Natural keys for the ids found in historical rows (deleted rows show as #id)."""

    def __init__(self, rows_by_collection, versions):
        ids: dict[str, set] = {
            "party": set(),
            "person": set(),
            "mineral": set(),
            "agreement": set(),
        }
        for v in versions:
            if v.signed_country_id:
                ids["party"].add(v.signed_country_id)
        for name, rows in rows_by_collection.items():
            for r in rows:
                if name in ("parties", "signatures") and r.party_id:
                    ids["party"].add(r.party_id)
                if name == "signatures":
                    ids["person"].add(r.person_id)
                if name == "minerals":
                    ids["mineral"].add(r.mineral_id)
                if name == "related":
                    ids["agreement"].add(r.to_agreement_id)
        self.party = dict(Party.objects.filter(pk__in=ids["party"]).values_list("pk", "code"))
        self.person = dict(Person.objects.filter(pk__in=ids["person"]).values_list("pk", "slug"))
        self.mineral = dict(Mineral.objects.filter(pk__in=ids["mineral"]).values_list("pk", "slug"))
        self.agreement = dict(
            Agreement.objects.filter(pk__in=ids["agreement"]).values_list("pk", "slug")
        )

    @staticmethod
    def get(mapping, pk):
        if pk is None:
            return None
        return mapping.get(pk, f"#{pk}")


def _item(name: str, row, names: _Names) -> dict:
    if name == "parties":
        return {
            "party": names.get(names.party, row.party_id),
            "signed_on": _plain(row.signed_on),
            "ratified_on": _plain(row.ratified_on),
            "withdrawn_on": _plain(row.withdrawn_on),
        }
    if name == "signatures":
        return {
            "person": names.get(names.person, row.person_id),
            "role": row.role,
            "party": names.get(names.party, row.party_id),
            "office": row.office,
            "signed_on": _plain(row.signed_on),
        }
    if name == "minerals":
        return {
            "mineral": names.get(names.mineral, row.mineral_id),
            "stages": row.stages,
            "note": row.note,
        }
    if name == "sources":
        return {
            "url": row.url,
            "title": row.title,
            "publisher": row.publisher,
            "published_on": _plain(row.published_on),
            "kind": row.kind,
        }
    return {"agreement": names.get(names.agreement, row.to_agreement_id), "kind": row.kind}


def _scalars(version, names: _Names) -> dict:
    state = {f: _plain(getattr(version, f)) for f in SCALARS if f != "signed_country"}
    state["signed_country"] = names.get(names.party, version.signed_country_id)
    return state


def _diff_collection(name: str, old: dict, new: dict) -> dict:
    _, _, key_fields, value_fields = CHILDREN[name]

    def keyed(items):
        return {tuple(i[k] for k in key_fields): i for i in items.values()}

    before, after = keyed(old), keyed(new)
    out: dict[str, Any] = {}
    added = [after[k] for k in after if k not in before]
    removed = [before[k] for k in before if k not in after]
    changed = []
    for k in after:
        if k in before:
            changes = [
                {"field": f, "old": before[k][f], "new": after[k][f]}
                for f in value_fields
                if before[k][f] != after[k][f]
            ]
            if changes:
                changed.append({"key": "/".join(str(p) for p in k), "changes": changes})
    if added:
        out["added"] = added
    if removed:
        out["removed"] = removed
    if changed:
        out["changed"] = changed
    return out


def agreement_history(agreement: Agreement, *, include_drafts: bool) -> list[dict]:
    """Entries newest first: when, who, what kind of change, and field-level changes."""
    versions = list(
        Agreement.history.filter(id=agreement.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    rows = _child_versions(agreement, include_drafts=include_drafts)
    states = _states(versions, rows, _Names(rows, versions))
    entries = []
    previous = None
    for version, scalars, children in states:
        if not include_drafts and not scalars["is_published"]:
            continue
        entries.append(_entry(version, scalars, children, previous, first=versions[0]))
        previous = (version, scalars, children)
    entries.reverse()
    return entries


def _child_versions(agreement: Agreement, *, include_drafts: bool) -> dict[str, list]:
    """Every historical row of each nested collection, oldest first."""
    rows = {
        name: list(
            model.history.filter(**{parent: agreement.pk}).order_by("history_date", "history_id")
        )
        for name, (model, parent, _, _) in CHILDREN.items()
    }
    if not include_drafts:
        # Links to drafts stay hidden in history, as they are in the representation.
        targets = {r.to_agreement_id for r in rows["related"]}
        published = set(
            Agreement.objects.filter(pk__in=targets, is_published=True).values_list("pk", flat=True)
        )
        rows["related"] = [r for r in rows["related"] if r.to_agreement_id in published]
    return rows


def _states(versions: list, rows: dict[str, list], names: _Names) -> list[tuple]:
    """(version, scalars, collections) after each agreement version.

    Each child version is attached to the agreement version of its revision; rows written
    outside any revision go to the version that was current when they were written."""
    by_revision = {v.revision: i for i, v in enumerate(versions) if v.revision}
    pending: list[list] = [[] for _ in versions]
    for name, child_rows in rows.items():
        for row in child_rows:
            index = by_revision.get(row.revision)
            if index is None:
                earlier = [i for i, v in enumerate(versions) if v.history_date <= row.history_date]
                index = earlier[-1] if earlier else 0
            if versions:
                pending[index].append((row.history_date, row.history_id, name, row))
    states = []
    collections: dict[str, dict] = {name: {} for name in CHILDREN}
    for version, child_rows in zip(versions, pending, strict=True):
        for _, _, name, row in sorted(child_rows, key=lambda r: (r[0], r[1])):
            if row.history_type == "-":
                collections[name].pop(row.id, None)
            else:
                collections[name][row.id] = _item(name, row, names)
        states.append(
            (version, _scalars(version, names), {n: dict(c) for n, c in collections.items()})
        )
    return states


def _entry(version, scalars: dict, children: dict, previous: tuple | None, *, first) -> dict:
    """One history entry: what changed since ``previous`` (the last entry shown)."""
    old_scalars = previous[1] if previous else {}
    old_children = previous[2] if previous else {n: {} for n in CHILDREN}
    if previous is None:
        action = "created" if version is first else "published"
    elif old_scalars.get("is_published") != scalars["is_published"]:
        action = "published" if scalars["is_published"] else "unpublished"
    else:
        action = "updated"
    if version.history_type == "-":
        action = "deleted"
    changes = [
        {"field": f, "old": old_scalars.get(f), "new": scalars[f]}
        for f in scalars
        if old_scalars.get(f) != scalars[f]
    ]
    nested = {}
    for name in CHILDREN:
        diff = _diff_collection(name, old_children[name], children[name])
        if diff:
            nested[name] = diff
    return {
        "version": version.history_id,
        "at": version.history_date.isoformat().replace("+00:00", "Z"),
        "user": version.history_user.get_username() if version.history_user else None,
        "action": action,
        "changes": changes,
        "collections": nested,
    }
