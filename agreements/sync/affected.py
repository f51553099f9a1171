"""Which resources one write of an agreement affects, from a declared table.

The agreement service (``agreements.services.agreement_save``) records what it touched —
the agreement's identity before the write, and for each nested collection what its
changed rows point at — and, when its write closes, ``agreement_events`` turns that into
one change-log entry per affected resource. No signal handler is involved.

What each representation embeds, so who needs an event when something changes:

=============  ===========================================  ================================
resource       embeds                                       events computed by
=============  ===========================================  ================================
agreement      parties (code, name), signatories (slug,     its own writes: here; a party's,
               name), minerals (slug, name), related        person's or mineral's rename
               agreements (slug, visibility), commitments   (key or name), a commitment's
               (responsible parties by code)                write: ``tracking`` (safety net)
party          agreement count, partners (code, name,       the agreement's parties: here;
               count)                                       party renames: ``tracking``
person         signatures (agreement slug and title,        signature rows and agreement
               party code, office, role, date)              identity: here
mineral        agreement count, group, members, aliases     covered minerals: here; aliases,
                                                            groups: ``tracking``
mineral list   entries (mineral slug, name), jurisdiction   ``tracking``
commitment     agreement (slug, title, visibility),         the agreement's identity: here;
               responsible parties (code; not the name)     its own writes, a responsible
                                                            party's new code: ``tracking``
=============  ===========================================  ================================
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from agreements.models import (
    Agreement,
    ChangeAction,
    ChangeResource,
    Commitment,
    Party,
    Person,
)
from minerals.models import Mineral

# What of an agreement the other resources show. A change to one of the agreement's own
# fields listed in IDENTITY shows in every resource it names (their lists and counts of
# agreements visible to each audience), and in the agreements that link to it.
IDENTITY = ("slug", "title", "is_published")

# nested collection → (resource whose representation embeds its rows, the row's pointer):
#   parties:    a party's agreement count and its partners (every party of the agreement)
#   signatures: a person's signatures (office, role, party, date, agreement)
#   minerals:   a mineral's agreement count (and its group's)
#   sources, related: shown in the agreement alone
EMBEDDED_IN = {
    "parties": (ChangeResource.PARTY, "party_id"),
    "signatures": (ChangeResource.PERSON, "person_id"),
    "minerals": (ChangeResource.MINERAL, "mineral_id"),
    "sources": (None, None),
    "related": (None, None),
}


@dataclass
class AgreementTouched:
    """What one write did to an agreement."""

    agreement: Agreement
    before: dict | None  # IDENTITY values before the write; None for a new agreement
    changed: bool = False
    user: Any = None  # who the history names when there is no request
    pointers: dict[str, set] = field(default_factory=dict)  # collection → ids of changed rows

    def row_changed(self, collection: str, row) -> None:
        self.changed = True
        attname = EMBEDDED_IN[collection][1]
        if attname:
            self.pointers.setdefault(collection, set()).add(getattr(row, attname))


def _keys(model, fields: tuple[str, ...], ids: set, through: Q | None) -> list:
    """The natural keys of the rows with these ids and of the rows ``through`` selects."""
    if not ids and through is None:
        return []
    wanted = Q(pk__in=ids)
    if through is not None:
        wanted |= through
    return list(model.objects.filter(wanted).values_list(*fields).distinct())


def agreement_events(log, touched: AgreementTouched) -> None:
    """Add to ``log`` the events of the agreement and of every resource embedding it."""
    if not touched.changed:
        return
    agreement, before = touched.agreement, touched.before
    if before is None:
        log.add(ChangeResource.AGREEMENT, agreement.slug, ChangeAction.CREATED)
    elif before["slug"] != agreement.slug:
        log.add(ChangeResource.AGREEMENT, before["slug"], ChangeAction.DELETED)
        log.add(ChangeResource.AGREEMENT, agreement.slug, ChangeAction.CREATED)
    else:
        log.add(ChangeResource.AGREEMENT, agreement.slug, ChangeAction.UPDATED)
    identity = before is None or any(before[f] != getattr(agreement, f) for f in IDENTITY)
    # A draft's rows change only what editors see; publishing or unpublishing, everyone's.
    public = bool(agreement.is_published or (before and before["is_published"]))
    ids = {name: touched.pointers.get(name, set()) for name in EMBEDDED_IN}
    whole = Q(agreement_parties__agreement=agreement) if identity or ids["parties"] else None
    for (code,) in _keys(Party, ("code",), ids["parties"], whole):
        log.add(ChangeResource.PARTY, code, ChangeAction.UPDATED, public)
    whole = Q(signatures__agreement=agreement) if identity else None
    for (slug,) in _keys(Person, ("slug",), ids["signatures"], whole):
        log.add(ChangeResource.PERSON, slug, ChangeAction.UPDATED, public)
    whole = Q(agreement_minerals__agreement=agreement) if identity else None
    for slug, group in _keys(Mineral, ("slug", "group__slug"), ids["minerals"], whole):
        log.add(ChangeResource.MINERAL, slug, ChangeAction.UPDATED, public)
        if group:
            log.add(ChangeResource.MINERAL, group, ChangeAction.UPDATED, public)
    if identity and before is not None:
        # Agreements linking here show this one's slug (and hide it while it is a draft).
        linking = Agreement.objects.filter(related_links__to_agreement=agreement)
        for slug in linking.values_list("slug", flat=True).distinct():
            log.add(ChangeResource.AGREEMENT, slug, ChangeAction.UPDATED)
        # Its commitments show its slug and title, and are visible while it is published.
        for key in Commitment.objects.filter(agreement=agreement).values_list("key", flat=True):
            log.add(ChangeResource.COMMITMENT, str(key), ChangeAction.UPDATED, public)
