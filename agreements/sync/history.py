"""An agreement's change history, rebuilt from django-simple-history's tables.

Every write (API call, admin save, command) stamps all the versions it creates with one
revision id. A history entry is one version of the agreement together with the child
versions of the same revision; replaying them in order gives the full state after each
write, and consecutive states are compared field by field. Anonymous readers only get
the published states, compared with each other, so no draft content ever reaches them.
"""

from typing import Any

from agreements.api.spec import agreement_write_spec
from agreements.models import (
    Agreement,
    Party,
)
from agreements.services import agreement_fields


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

    def __init__(self, rows_by_collection, versions):
        spec = agreement_write_spec()
        ids: dict[tuple, set] = {(Party, "code"): {v.signed_country_id for v in versions}}
        for name, rows in rows_by_collection.items():
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


def _diff_collection(name: str, old: dict, new: dict) -> dict:
    _, _, key_fields, value_fields = _children()[name]

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
    collections: dict[str, dict] = {name: {} for name in _children()}
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
    old_children = previous[2] if previous else {n: {} for n in _children()}
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
    for name in _children():
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
