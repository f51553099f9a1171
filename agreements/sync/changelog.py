"""Change tracking: the changes feed, history revisions and the data version.

Every save or delete of a tracker model, wherever it comes from (API, admin, commands),
passes through the signal handlers below, inside the transaction that makes the change:

* a ``ChangeEvent`` is written for the resource and for every resource whose
  representation embeds it (a party's partners, a person's signatures, …);
* on PostgreSQL a transaction-scoped advisory lock is taken before the first write, so
  event ids (the feed's cursors) are handed out in commit order and a reader can never
  see event N while an earlier event is still uncommitted;
* the shared data version is bumped when the transaction commits (cached responses).

Bulk inserts bypass signals; their callers use ``record_bulk``.
"""

import contextlib
import contextvars
import uuid
from dataclasses import dataclass, field

from django.core.signals import request_started
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from agreements.models import (
    Agreement,
    AgreementMineral,
    AgreementParty,
    ChangeAction,
    ChangeEvent,
    ChangeResource,
    Commitment,
    Party,
    Person,
    RelatedAgreement,
    Signature,
    Source,
)
from config.api.data_version import bump_data_version
from minerals.models import Mineral, MineralAlias, MineralList, MineralListEntry

LOCK_ID = 0x434D4154  # "CMAT": the one advisory lock that orders all writes

# ---------------------------------------------------------------------------------------
# Revisions: which historical rows belong to one write.

_revision: contextvars.ContextVar[uuid.UUID | None] = contextvars.ContextVar(
    "cmat_revision", default=None
)


@contextlib.contextmanager
def revision_scope():
    """Group every version written inside the block into one revision (reused if nested)."""
    if _revision.get() is not None:
        yield _revision.get()
        return
    token = _revision.set(uuid.uuid4())
    try:
        yield _revision.get()
    finally:
        _revision.reset(token)


def current_revision() -> uuid.UUID:
    value = _revision.get()
    if value is not None:
        return value
    request = getattr(HistoricalRecords.context, "request", None)
    if request is not None:  # one revision per HTTP request (admin save, API call)
        if not hasattr(request, "_cmat_revision"):
            request._cmat_revision = uuid.uuid4()
        return request._cmat_revision
    return uuid.uuid4()


@receiver(pre_create_historical_record)
def _stamp_revision(sender, history_instance, **kwargs):
    history_instance.revision = current_revision()


# ---------------------------------------------------------------------------------------
# Ordering lock and per-transaction bookkeeping.


def lock_writes() -> None:
    """Take the write-ordering lock (PostgreSQL; SQLite already serialises writers)."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_ID])


@dataclass
class _TxState:
    events: dict = field(default_factory=dict)  # (resource, key) -> [event id, action]

    def marker(self):  # registered with on_commit; its presence identifies the transaction
        connection._cmat_tx_state = None


def _tx_state() -> _TxState | None:
    if not connection.in_atomic_block:
        return None
    state = getattr(connection, "_cmat_tx_state", None)
    alive = state is not None and any(
        callback == state.marker for _, callback, _ in connection.run_on_commit
    )
    if not alive:
        state = _TxState()
        connection._cmat_tx_state = state
        transaction.on_commit(state.marker)
        bump_data_version()
    return state


@receiver(request_started)
def _new_request(**kwargs):
    # A transaction never spans two requests; forget any state a test transaction left.
    connection._cmat_tx_state = None


def _merge(first: str, second: str) -> str:
    if second == ChangeAction.DELETED:
        return ChangeAction.DELETED
    if first == ChangeAction.DELETED:
        return ChangeAction.UPDATED if second == ChangeAction.CREATED else ChangeAction.DELETED
    return first  # created then updated stays created


class _EventMarker:
    """Registered with on_commit when an event is written: Django drops it if a savepoint
    around the write is rolled back, which tells that the event row is gone too."""

    def __call__(self):
        pass


def _still_pending(marker) -> bool:
    pending = connection.run_on_commit
    if marker.index < len(pending) and pending[marker.index][1] is marker:
        return True  # where it was put: nothing before it was rolled back
    return any(callback is marker for _, callback, _ in pending)


def emit(resource: str, key: str, action: str, visible_after: bool, public: bool = True) -> None:
    """Record that ``resource``/``key`` changed; one event per key per transaction.

    ``public`` says whether what anonymous clients see of the resource may have changed: a
    party's, mineral's or person's event caused by a draft agreement is for editors only."""
    if not key:
        return
    now = timezone.now()
    state = _tx_state()
    if state is None:
        bump_data_version()
    else:
        known = state.events.get((resource, key))
        if known is not None:
            merged = [known[0], _merge(known[1], action), known[2] or public, visible_after]
            if merged == known[:4] and _still_pending(known[4]):
                # Already recorded as it stands (a write touching 100 parties re-emits every
                # partner once per row): no need to rewrite the event.
                return
            known[:4] = merged
            updated = ChangeEvent.objects.filter(pk=known[0]).update(
                action=known[1], visible_after=visible_after, at=now, public=known[2]
            )
            if updated:
                return
    last = (
        ChangeEvent.objects.filter(resource=resource, key=key)
        .order_by("-id")
        .values_list("visible_after", flat=True)
        .first()
    )
    event = ChangeEvent.objects.create(
        resource=resource,
        key=key,
        action=action,
        at=now,
        visible_before=bool(last),
        visible_after=visible_after,
        public=public,
    )
    if state is not None:
        marker = _EventMarker()
        marker.index = len(connection.run_on_commit)
        transaction.on_commit(marker)
        state.events[(resource, key)] = [event.pk, action, public, visible_after, marker]


def record_bulk(
    resource: str, keys, action: str = ChangeAction.CREATED, visible=None, visible_before=False
) -> None:
    """Events for rows written in bulk (signals do not fire for bulk_create)."""
    lock_writes()
    now = timezone.now()
    visible = visible or {}
    ChangeEvent.objects.bulk_create(
        [
            ChangeEvent(
                resource=resource,
                key=key,
                action=action,
                at=now,
                visible_before=visible_before,
                visible_after=visible.get(key, True),
            )
            for key in keys
        ],
        batch_size=2000,
    )
    bump_data_version()


# ---------------------------------------------------------------------------------------
# What each model's change touches.


def person_visible(person_id) -> bool:
    return Signature.objects.filter(person_id=person_id, agreement__is_published=True).exists()


def emit_agreement(agreement: Agreement, action=ChangeAction.UPDATED) -> None:
    emit(ChangeResource.AGREEMENT, agreement.slug, action, bool(agreement.is_published))


def emit_person(person_id, action=ChangeAction.UPDATED, public=True) -> None:
    slug = Person.objects.filter(pk=person_id).values_list("slug", flat=True).first()
    if slug:
        emit(ChangeResource.PERSON, slug, action, person_visible(person_id), public)


def emit_parties_of(agreement_id, extra_ids=(), public=True) -> None:
    ids = set(
        AgreementParty.objects.filter(agreement_id=agreement_id).values_list("party_id", flat=True)
    ) | set(extra_ids)
    for code in Party.objects.filter(pk__in=ids).values_list("code", flat=True):
        emit(ChangeResource.PARTY, code, ChangeAction.UPDATED, True, public)


def emit_minerals(ids, public=True) -> None:
    rows = Mineral.objects.filter(pk__in=set(ids)).values_list("slug", "group__slug")
    for slug, group in rows:
        emit(ChangeResource.MINERAL, slug, ChangeAction.UPDATED, True, public)
        if group:
            emit(ChangeResource.MINERAL, group, ChangeAction.UPDATED, True, public)


def agreement_public(agreement_id) -> bool:
    """Whether anonymous clients see this agreement (and so its effect on parties, minerals
    and people): a draft's rows change only what editors see."""
    return bool(
        Agreement.objects.filter(pk=agreement_id).values_list("is_published", flat=True).first()
    )


def emit_agreement_id(agreement_id) -> None:
    row = Agreement.objects.filter(pk=agreement_id).values_list("slug", "is_published").first()
    if row:
        emit(ChangeResource.AGREEMENT, row[0], ChangeAction.UPDATED, bool(row[1]))


def emit_agreement_dependants(agreement_id, public=True) -> None:
    """Parties, minerals and people whose representation or counts include this agreement."""
    emit_parties_of(agreement_id, public=public)
    emit_minerals(
        AgreementMineral.objects.filter(agreement_id=agreement_id).values_list(
            "mineral_id", flat=True
        ),
        public=public,
    )
    for person_id in set(
        Signature.objects.filter(agreement_id=agreement_id).values_list("person_id", flat=True)
    ):
        emit_person(person_id, public=public)


KEYED = {
    Agreement: ("slug", ChangeResource.AGREEMENT),
    Party: ("code", ChangeResource.PARTY),
    Person: ("slug", ChangeResource.PERSON),
    Mineral: ("slug", ChangeResource.MINERAL),
    MineralList: ("slug", ChangeResource.MINERAL_LIST),
}
TRACKED = (
    *KEYED,
    AgreementParty,
    Signature,
    AgreementMineral,
    Source,
    RelatedAgreement,
    MineralAlias,
    MineralListEntry,
)


def _before_write(sender, instance, raw=False, **kwargs):
    if raw:
        return
    lock_writes()
    if kwargs.get("signal") is pre_save and instance.pk is not None:
        # Remember what the key and the embedded values were, to see what this save changes.
        fields = {
            Agreement: ("slug", "title", "is_published"),
            Party: ("code", "name"),
            Person: ("slug", "name"),
            Mineral: ("slug", "name", "group_id"),
            MineralList: ("slug", "name"),
            Signature: ("person_id",),
            AgreementMineral: ("mineral_id",),
            AgreementParty: ("party_id",),
        }.get(sender)
        if fields:
            instance._cmat_before = (
                sender._default_manager.filter(pk=instance.pk).values(*fields).first()
            )


def _after_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_cmat_before", None) or {}
    instance._cmat_before = None
    if sender in KEYED:
        key_field, resource = KEYED[sender]
        old_key = before.get(key_field)
        key = getattr(instance, key_field)
        if old_key and old_key != key:
            emit(resource, old_key, ChangeAction.DELETED, False)
            action = ChangeAction.CREATED
        else:
            action = ChangeAction.CREATED if created else ChangeAction.UPDATED
        renamed = (
            created
            or old_key != key
            or any(before.get(f) != getattr(instance, f) for f in ("name", "title") if f in before)
        )
    handler = _SAVE_HANDLERS.get(sender)
    if handler:
        if sender in KEYED:
            handler(instance, action, before, renamed)
        else:
            handler(instance, before)


def _after_delete(sender, instance, **kwargs):
    handler = _DELETE_HANDLERS.get(sender)
    if handler:
        handler(instance)


def _agreement_saved(agreement, action, before, renamed):
    emit_agreement(agreement, action)
    published_changed = before.get("is_published") != agreement.is_published
    if renamed or published_changed:
        public = bool(before.get("is_published") or agreement.is_published)
        emit_agreement_dependants(agreement.pk, public=public)
        # Agreements linking here show this one's slug (and hide it while it is a draft).
        for source in Agreement.objects.filter(related_links__to_agreement=agreement).distinct():
            emit_agreement(source)


def _agreement_deleted(agreement):
    emit(ChangeResource.AGREEMENT, agreement.slug, ChangeAction.DELETED, False)


def _party_saved(party, action, before, renamed):
    emit(ChangeResource.PARTY, party.code, action, True)
    if renamed and not action == ChangeAction.CREATED:
        agreement_ids = list(
            Agreement.objects.filter(
                Q(agreement_parties__party=party)
                | Q(signed_country=party)
                | Q(signatures__party=party)
            ).values_list("pk", flat=True)
        )
        for slug in MineralList.objects.filter(jurisdiction=party).values_list("slug", flat=True):
            emit(ChangeResource.MINERAL_LIST, slug, ChangeAction.UPDATED, True)
        for person_id in set(
            Signature.objects.filter(party=party).values_list("person_id", flat=True)
        ):
            emit_person(person_id)
        for agreement in Agreement.objects.filter(pk__in=agreement_ids).only(
            "slug", "is_published"
        ):
            emit_agreement(agreement)
        partner_ids = AgreementParty.objects.filter(agreement_id__in=agreement_ids).values_list(
            "party_id", flat=True
        )
        for code in Party.objects.filter(pk__in=partner_ids).values_list("code", flat=True):
            emit(ChangeResource.PARTY, code, ChangeAction.UPDATED, True)


def _keyed_deleted(resource, key_field):
    def handler(instance):
        emit(resource, getattr(instance, key_field), ChangeAction.DELETED, False)

    return handler


def _person_saved(person, action, before, renamed):
    emit(ChangeResource.PERSON, person.slug, action, person_visible(person.pk))
    if renamed and action != ChangeAction.CREATED:
        for agreement in Agreement.objects.filter(signatures__person=person).distinct():
            emit_agreement(agreement)


def _mineral_saved(mineral, action, before, renamed):
    emit(ChangeResource.MINERAL, mineral.slug, action, True)
    groups = {before.get("group_id"), mineral.group_id} - {None}
    if groups:
        emit_minerals(groups)
    if renamed and action != ChangeAction.CREATED:
        for agreement in Agreement.objects.filter(agreement_minerals__mineral=mineral).distinct():
            emit_agreement(agreement)
        for slug in MineralList.objects.filter(entries__mineral=mineral).values_list(
            "slug", flat=True
        ):
            emit(ChangeResource.MINERAL_LIST, slug, ChangeAction.UPDATED, True)
        for slug in mineral.members.values_list("slug", flat=True):
            emit(ChangeResource.MINERAL, slug, ChangeAction.UPDATED, True)


def _mineral_list_saved(mineral_list, action, before, renamed):
    emit(ChangeResource.MINERAL_LIST, mineral_list.slug, action, True)
    if renamed and action != ChangeAction.CREATED:
        emit_minerals(mineral_list.entries.values_list("mineral_id", flat=True))


def _agreement_party_changed(row, before=None):
    emit_agreement_id(row.agreement_id)
    emit_parties_of(
        row.agreement_id,
        extra_ids={row.party_id, (before or {}).get("party_id")} - {None},
        public=agreement_public(row.agreement_id),
    )


def _signature_changed(row, before=None):
    emit_agreement_id(row.agreement_id)
    public = agreement_public(row.agreement_id)
    for person_id in {row.person_id, (before or {}).get("person_id")} - {None}:
        emit_person(person_id, public=public)


def _agreement_mineral_changed(row, before=None):
    emit_agreement_id(row.agreement_id)
    emit_minerals(
        {row.mineral_id, (before or {}).get("mineral_id")} - {None},
        public=agreement_public(row.agreement_id),
    )


def _agreement_child_changed(row, before=None):
    emit_agreement_id(getattr(row, "agreement_id", None) or row.from_agreement_id)


def _alias_changed(row, before=None):
    emit_minerals({row.mineral_id})


def _entry_changed(row, before=None):
    slug = MineralList.objects.filter(pk=row.mineral_list_id).values_list("slug", flat=True).first()
    if slug:
        emit(ChangeResource.MINERAL_LIST, slug, ChangeAction.UPDATED, True)
    emit_minerals({row.mineral_id})


_SAVE_HANDLERS = {
    Agreement: _agreement_saved,
    Party: _party_saved,
    Person: _person_saved,
    Mineral: _mineral_saved,
    MineralList: _mineral_list_saved,
    AgreementParty: _agreement_party_changed,
    Signature: _signature_changed,
    AgreementMineral: _agreement_mineral_changed,
    Source: _agreement_child_changed,
    RelatedAgreement: _agreement_child_changed,
    MineralAlias: _alias_changed,
    MineralListEntry: _entry_changed,
}
_DELETE_HANDLERS = {
    Agreement: _agreement_deleted,
    Party: _keyed_deleted(ChangeResource.PARTY, "code"),
    Person: _keyed_deleted(ChangeResource.PERSON, "slug"),
    Mineral: _keyed_deleted(ChangeResource.MINERAL, "slug"),
    MineralList: _keyed_deleted(ChangeResource.MINERAL_LIST, "slug"),
    AgreementParty: _agreement_party_changed,
    Signature: _signature_changed,
    AgreementMineral: _agreement_mineral_changed,
    Source: _agreement_child_changed,
    RelatedAgreement: _agreement_child_changed,
    MineralAlias: _alias_changed,
    MineralListEntry: _entry_changed,
}


for _model in TRACKED:
    pre_save.connect(_before_write, sender=_model, dispatch_uid=f"cmat-pre-save-{_model.__name__}")
    pre_delete.connect(_before_write, sender=_model, dispatch_uid=f"cmat-pre-del-{_model.__name__}")
    post_save.connect(_after_save, sender=_model, dispatch_uid=f"cmat-post-save-{_model.__name__}")
    post_delete.connect(
        _after_delete, sender=_model, dispatch_uid=f"cmat-post-del-{_model.__name__}"
    )


# ---------------------------------------------------------------------------------------
# Commitments (issue 17). A commitment has its own events (resource "commitment", keyed by
# its stable key) and changes its agreement, which embeds it. Its visibility is its
# agreement's: publishing, unpublishing or renaming the agreement touches every commitment.


def _commitment_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    action = ChangeAction.CREATED if created else ChangeAction.UPDATED
    emit(
        ChangeResource.COMMITMENT,
        str(instance.key),
        action,
        agreement_public(instance.agreement_id),
    )
    emit_agreement_id(instance.agreement_id)


def _commitment_deleted(sender, instance, **kwargs):
    emit(ChangeResource.COMMITMENT, str(instance.key), ChangeAction.DELETED, False)
    emit_agreement_id(instance.agreement_id)


def _agreement_before_commitments(sender, instance, raw=False, **kwargs):
    # Runs after _before_write, which fetched the stored slug, title and is_published.
    instance._cmat_commitments_before = getattr(instance, "_cmat_before", None) or {}


def _agreement_saved_commitments(sender, instance, created, raw=False, **kwargs):
    before = getattr(instance, "_cmat_commitments_before", None) or {}
    instance._cmat_commitments_before = None
    if raw or created or not before:
        return
    if all(before.get(f) == getattr(instance, f) for f in ("slug", "title", "is_published")):
        return
    for key in Commitment.objects.filter(agreement=instance).values_list("key", flat=True):
        emit(ChangeResource.COMMITMENT, str(key), ChangeAction.UPDATED, instance.is_published)


pre_save.connect(_before_write, sender=Commitment, dispatch_uid="cmat-pre-save-Commitment")
pre_delete.connect(_before_write, sender=Commitment, dispatch_uid="cmat-pre-del-Commitment")
post_save.connect(_commitment_saved, sender=Commitment, dispatch_uid="cmat-post-save-Commitment")
post_delete.connect(_commitment_deleted, sender=Commitment, dispatch_uid="cmat-post-del-Commitment")
pre_save.connect(
    _agreement_before_commitments, sender=Agreement, dispatch_uid="cmat-commitments-pre-save"
)
post_save.connect(
    _agreement_saved_commitments, sender=Agreement, dispatch_uid="cmat-commitments-post-save"
)
