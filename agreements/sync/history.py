"""An agreement's change history, rebuilt from django-simple-history's tables.

Every write (API call, admin save, command) stamps all the versions it creates with one
revision id. A history entry is one version of the agreement together with the child
versions of the same revision; replaying them in order gives the full state after each
write, and consecutive states are compared field by field. The agreement embeds its
commitments, so their versions are a collection of it too (``commitments``, keyed by
``key``); a write that changed only commitments (their own endpoint or admin page) has no
agreement version and is an entry of its own, with the agreement's fields as they stood.
Anonymous readers only get the published states, compared with each other, so no draft
content ever reaches them.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from agreements.api.spec import agreement_write_spec
from agreements.commitments.serializers import NESTED_FIELDS
from agreements.models import (
    Agreement,
    Commitment,
    Party,
)
from agreements.services import agreement_fields

COMMITMENTS = "commitments"
# A commitment as the agreement embeds it: its key, then the fields that may change.
COMMITMENT_VALUES = tuple(f for f in NESTED_FIELDS if f != "key")


def _children() -> dict:
    """Each collection: (model, parent column, key fields, value fields), in the
    representation's names, from the API's declaration (agreements.api.spec)."""
    out = {}
    for c in agreement_write_spec().collections.values():
        names = {source: f.field_name for source, f in c.fields.items()}
        out[c.name] = (
            c.model,
            f"{c.parent}_id",
            tuple(names[k] for k in c.keys),
            tuple(names[v] for v in c.values),
        )
    return out


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


class _Names:
    """Natural keys for the ids found in historical rows (deleted rows show as #id): for each
    reference the serializers declare (party code, person slug, …), one query."""

    def __init__(self, rows_by_collection, versions, commitments=()):
        spec = agreement_write_spec()
        ids: dict[tuple, set] = {(Party, "code"): {v.signed_country_id for v in versions}}
        for row in commitments:
            ids[(Party, "code")].update(row.party_ids)
        for name, rows in rows_by_collection.items():
            if name == COMMITMENTS:
                continue
            for source, model, slug_field in _references(spec.collections[name]):
                ids.setdefault((model, slug_field), set()).update(
                    getattr(r, f"{source}_id") for r in rows
                )
        self.keys = {
            (model, slug_field): dict(
                model._default_manager.filter(pk__in=pks - {None}).values_list("pk", slug_field)
            )
            for (model, slug_field), pks in ids.items()
        }

    def get(self, model, slug_field: str, pk):
        if pk is None:
            return None
        return self.keys.get((model, slug_field), {}).get(pk, f"#{pk}")


def _references(collection) -> list[tuple[str, type, str]]:
    """(source, related model, natural key) of each reference field of a collection."""
    return [
        (source, collection.model._meta.get_field(source).related_model, field.slug_field)
        for source, field in collection.fields.items()
        if getattr(field, "slug_field", None)
    ]


def _item(name: str, row, names: _Names) -> dict:
    """A historical row as the representation writes it: references by natural key."""
    if name == COMMITMENTS:
        item = {"key": str(row.key)}
        for field in COMMITMENT_VALUES:
            if field == "responsible_parties":
                item[field] = sorted(names.get(Party, "code", pk) for pk in row.party_ids)
            else:
                item[field] = _plain(getattr(row, field))
        return item
    collection = agreement_write_spec().collections[name]
    item = {}
    for source, field in collection.fields.items():
        if getattr(field, "slug_field", None):
            related = collection.model._meta.get_field(source).related_model
            item[field.field_name] = names.get(
                related, field.slug_field, getattr(row, source + "_id")
            )
        else:
            item[field.field_name] = _plain(getattr(row, source))
    return item


def _scalars(version, names: _Names) -> dict:
    state = {f: _plain(getattr(version, f)) for f in agreement_fields() if f != "signed_country"}
    state["signed_country"] = names.get(Party, "code", version.signed_country_id)
    return state


def _fields(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A collection's key fields and value fields, in the representation's names."""
    if name == COMMITMENTS:
        return ("key",), COMMITMENT_VALUES
    return _children()[name][2:]


def _diff_collection(name: str, old: dict, new: dict) -> dict:
    key_fields, value_fields = _fields(name)

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
    rows[COMMITMENTS] = _commitment_versions(agreement.pk)
    names = _Names(rows, versions, rows[COMMITMENTS])
    anchors = _anchors(versions, rows[COMMITMENTS])
    states = _states(anchors, rows, names)
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
        for name, (model, parent, _, _) in _children().items()
    }
    if not include_drafts:
        # Links to drafts stay hidden in history, as they are in the representation.
        targets = {r.to_agreement_id for r in rows["related"]}
        published = set(
            Agreement.objects.filter(pk__in=targets, is_published=True).values_list("pk", flat=True)
        )
        rows["related"] = [r for r in rows["related"] if r.to_agreement_id in published]
    return rows


def _commitment_versions(agreement_id, commitment_id=None) -> list:
    """Every historical row of the agreement's commitments (or of one), oldest first, each
    with the ids of its responsible parties as they were (``party_ids``): two queries."""
    wanted = {"agreement_id": agreement_id}
    if commitment_id is not None:
        wanted["id"] = commitment_id
    rows = list(
        Commitment.history.filter(**wanted)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    # simple-history's table of each version's responsible parties (m2m_fields).
    parties = Commitment.history.model.responsible_parties.model
    by_version: dict[int, list] = {}
    for version_id, party_id in parties.objects.filter(
        **{f"history__{k}": v for k, v in wanted.items()}
    ).values_list("history_id", "party_id"):
        by_version.setdefault(version_id, []).append(party_id)
    for row in rows:
        row.party_ids = by_version.get(row.history_id, [])
    return rows


@dataclass
class CommitmentWrite:
    """A write that changed the agreement's commitments and not the agreement: an entry
    of its own, numbered by its first commitment version, the agreement's fields as the
    version before it left them."""

    history_id: int
    history_date: datetime
    history_user: Any
    revision: Any
    history_type: str = "~"


def _anchors(versions: list, commitments: list) -> list:
    """What the entries are: the agreement's versions, and the writes (revisions) of its
    commitments in which the agreement has no version, in the order they happened."""
    revisions = {v.revision for v in versions if v.revision}
    writes: dict = {}
    for row in commitments:
        group = row.revision or ("row", row.history_id)
        if group not in revisions and group not in writes:
            writes[group] = CommitmentWrite(
                row.history_id, row.history_date, row.history_user, row.revision
            )
    anchors = [(v.history_date, 0, v.history_id, v) for v in versions]
    # Before the agreement's first version there are no fields to show them with (a
    # record loaded without history): such writes join that version.
    start = versions[0].history_date if versions else None
    anchors += [
        (w.history_date, 1, w.history_id, w)
        for w in writes.values()
        if start is not None and w.history_date >= start
    ]
    return [anchor for *_, anchor in sorted(anchors, key=lambda a: a[:3])]


def _states(anchors: list, rows: dict[str, list], names: _Names) -> list[tuple]:
    """(anchor, scalars, collections) after each agreement version or commitment write.

    Each child version is attached to the anchor of its revision; rows written outside
    any revision go to the anchor that was current when they were written (a commitment
    row outside any revision is its own write)."""
    by_revision = {a.revision: i for i, a in enumerate(anchors) if a.revision}
    own = {a.history_id: i for i, a in enumerate(anchors) if isinstance(a, CommitmentWrite)}
    pending: list[list] = [[] for _ in anchors]
    for name, child_rows in rows.items():
        for row in child_rows:
            index = by_revision.get(row.revision)
            if index is None and name == COMMITMENTS:
                index = own.get(row.history_id)
            if index is None:
                earlier = [i for i, a in enumerate(anchors) if a.history_date <= row.history_date]
                index = earlier[-1] if earlier else 0
            if anchors:
                pending[index].append((row.history_date, row.history_id, name, row))
    states = []
    collections: dict[str, dict] = {name: {} for name in rows}
    scalars: dict = {}
    for anchor, child_rows in zip(anchors, pending, strict=True):
        for _, _, name, row in sorted(child_rows, key=lambda r: (r[0], r[1])):
            if row.history_type == "-":
                collections[name].pop(row.id, None)
            else:
                collections[name][row.id] = _item(name, row, names)
        if not isinstance(anchor, CommitmentWrite):
            scalars = _scalars(anchor, names)
        states.append((anchor, dict(scalars), {n: dict(c) for n, c in collections.items()}))
    return states


def _entry(version, scalars: dict, children: dict, previous: tuple | None, *, first) -> dict:
    """One history entry: what changed since ``previous`` (the last entry shown)."""
    old_scalars = previous[1] if previous else {}
    old_children = previous[2] if previous else {n: {} for n in children}
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
    for name in children:
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


def commitment_history(commitment: Commitment, *, include_drafts: bool) -> list[dict]:
    """A commitment's entries newest first, one per write (its row and its responsible
    parties are versioned apart; a write's last version is its state), with the fields
    that changed.

    Anonymous readers get the states they could see, compared with each other as in the
    agreement's history: those written while the agreement was published, and the state
    it had when the agreement was published (its ``published`` entry, dated then, by
    whoever published it), so that writes made while it was a draft never show."""
    rows = _commitment_versions(commitment.agreement_id, commitment.pk)
    names = _Names({}, [], rows)
    writes: dict = {}  # revision → its last version, in order
    created = set()  # revisions that created the commitment
    for row in rows:
        group = row.revision or ("row", row.history_id)
        writes[group] = row
        if row.history_type == "+":
            created.add(group)
    agreement = _AgreementVersions(commitment.agreement_id)
    # (when, who, the version holding the state, its write or None for a publication)
    moments = [(row.history_date, row.history_user, row, group) for group, row in writes.items()]
    if not include_drafts:
        moments = [m for m in moments if agreement.published(m[2])]
        for version in agreement.publications():
            before = [r for r in rows if r.history_date <= version.history_date]
            if before and before[-1].history_type != "-":
                moments.append((version.history_date, version.history_user, before[-1], None))
        moments.sort(key=lambda m: (m[0], m[3] is None))
    entries: list[dict] = []
    previous: dict | None = None
    for at, user, row, group in moments:
        state = _item(COMMITMENTS, row, names)
        if group is None and state == previous:
            continue  # published again as it was last shown: nothing new to see
        if row.history_type == "-":
            action = "deleted"
        elif previous is None:
            action = "created" if group in created else "published"
        else:
            action = "updated"
        old = previous or {}
        entries.append(
            {
                "version": row.history_id,
                "at": at.isoformat().replace("+00:00", "Z"),
                "user": user.get_username() if user else None,
                "action": action,
                "changes": [
                    {"field": f, "old": old.get(f), "new": state[f]}
                    for f in COMMITMENT_VALUES
                    if row.history_type != "-" and old.get(f) != state[f]
                ],
            }
        )
        previous = state
    entries.reverse()
    return entries


class _AgreementVersions:
    """When the agreement was published, from its versions (one query)."""

    def __init__(self, agreement_id):
        self.versions = list(
            Agreement.history.filter(id=agreement_id)
            .select_related("history_user")
            .order_by("history_date", "history_id")
        )

    def published(self, row) -> bool:
        """Whether it was published once ``row``'s write was done: as its version of the
        same write left it, else as its latest earlier version did."""
        same = [v for v in self.versions if v.revision and v.revision == row.revision]
        if same:
            return bool(same[-1].is_published)
        earlier = [v for v in self.versions if v.history_date <= row.history_date]
        return bool(earlier[-1].is_published) if earlier else False

    def publications(self) -> list:
        """The versions that made it visible: published, after a draft or none."""
        out, was = [], False
        for version in self.versions:
            now = bool(version.is_published) and version.history_type != "-"
            if now and not was:
                out.append(version)
            was = now
        return out
