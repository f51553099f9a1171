"""Change tracking: the changes feed, history revisions and the data version.

A write through a service (``agreements.services``) is one ``write()`` block: one
transaction, one history revision, the write lock taken at its start, and one change log.
The service records what it touched; when the block closes, still inside the transaction
and under the lock, the log turns that into ``ChangeEvent`` rows — one per resource key,
whatever the number of rows touched — and bulk-inserts them (``ChangeLog.close``). Which
resources a write affects comes from declared tables: ``agreements.sync.affected`` for an
agreement and its nested rows.

Writes outside services (the admin of parties, minerals and people, the API of parties and
people, management commands) are caught by the signal handlers of
``agreements.sync.tracking``, the safety net. Inside a ``write()`` block those handlers feed
the block's change log (the models the service accounts for itself are skipped); outside
one they write each event at once, merging repeated events of one key in one transaction.

Either way:

* on PostgreSQL a transaction-scoped advisory lock is held from the first write until
  commit, so event ids (the feed's cursors) are handed out in commit order and a reader can
  never see event N while an earlier event is still uncommitted;
* one event per resource key per write; a renamed key gives ``deleted`` + ``created``;
* ``visible_before`` is what the previous event of the key left visible, ``public`` says
  whether anonymous clients' view may have changed (a draft's effect on a party does not);
* the shared data version is bumped when the transaction commits (cached responses).

Bulk inserts bypass signals; their callers use ``record_bulk``.
"""

import contextlib
import contextvars
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.signals import request_started
from django.db import connection, transaction
from django.db.models import Max, Q
from django.dispatch import receiver
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from agreements.models import (
    Agreement,
    ChangeAction,
    ChangeEvent,
    ChangeResource,
    Commitment,
    Signature,
)
from config.api.data_version import bump_data_version

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
# The write lock, and one write's change log.


def _merge(first: str, second: str) -> str:
    if second == ChangeAction.DELETED:
        return ChangeAction.DELETED
    if first == ChangeAction.DELETED:
        return ChangeAction.UPDATED if second == ChangeAction.CREATED else ChangeAction.DELETED
    return first  # created then updated stays created


@dataclass
class ChangeLog:
    """What one write changed, turned into events when the write closes."""

    handled: frozenset = frozenset()  # models whose changes the service accounts for itself
    events: dict = field(default_factory=dict)  # (resource, key) -> [action, public]
    before_close: list[Callable[["ChangeLog"], None]] = field(default_factory=list)
    locked: bool = False

    def add(self, resource: str, key: str, action: str, public: bool = True) -> None:
        if not key:
            return
        known = self.events.get((resource, key))
        if known is None:
            self.events[(resource, key)] = [action, public]
        else:
            known[:] = [_merge(known[0], action), known[1] or public]

    def close(self) -> None:
        for compute in self.before_close:
            compute(self)
        if not self.events:
            return
        lock_writes()
        previous = _last_visibility(self.events)
        visible = _visible_now(self.events)
        now = timezone.now()
        ChangeEvent.objects.bulk_create(
            ChangeEvent(
                resource=resource,
                key=key,
                action=action,
                at=now,
                visible_before=previous.get((resource, key), False),
                visible_after=action != ChangeAction.DELETED and visible(resource, key),
                public=public,
            )
            for (resource, key), (action, public) in self.events.items()
        )
        bump_data_version()


def _last_visibility(events) -> dict:
    """(resource, key) → whether its latest event left it visible, in one query."""
    wanted = Q()
    for resource in {r for r, _ in events}:
        wanted |= Q(resource=resource, key__in=[k for r, k in events if r == resource])
    latest = ChangeEvent.objects.filter(wanted).values("resource", "key").annotate(last=Max("id"))
    rows = ChangeEvent.objects.filter(id__in=latest.values("last"))
    return {(r, k): v for r, k, v in rows.values_list("resource", "key", "visible_after")}


def _visible_now(events) -> Callable[[str, str], bool]:
    """Whether anonymous clients see each resource once the write is done: published
    agreements and their commitments, people with a published signature, everything else."""
    live = {r_k for r_k, (action, _) in events.items() if action != ChangeAction.DELETED}
    slugs = {k for r, k in live if r == ChangeResource.AGREEMENT}
    people = {k for r, k in live if r == ChangeResource.PERSON}
    shown = set()
    if slugs:
        published = Agreement.objects.filter(slug__in=slugs, is_published=True)
        shown |= {(ChangeResource.AGREEMENT, s) for s in published.values_list("slug", flat=True)}
    if people:
        signed = Signature.objects.filter(person__slug__in=people, agreement__is_published=True)
        shown |= {(ChangeResource.PERSON, s) for s in signed.values_list("person__slug", flat=True)}
    commitments = {k for r, k in live if r == ChangeResource.COMMITMENT}
    if commitments:
        listed = Commitment.objects.filter(key__in=commitments, agreement__is_published=True)
        shown |= {(ChangeResource.COMMITMENT, str(k)) for k in listed.values_list("key", flat=True)}
    hidden = {ChangeResource.AGREEMENT, ChangeResource.PERSON, ChangeResource.COMMITMENT}
    return lambda resource, key: resource not in hidden or (resource, key) in shown


_log: contextvars.ContextVar[ChangeLog | None] = contextvars.ContextVar("cmat_log", default=None)


def active_log() -> ChangeLog | None:
    return _log.get()


@contextlib.contextmanager
def write(handled=()):
    """One write: its own transaction and revision, the write lock, and one change log
    whose events are written when the block ends (a nested ``write`` joins the outer one)."""
    outer = _log.get()
    if outer is not None:
        previous, outer.handled = outer.handled, outer.handled | frozenset(handled)
        try:
            with transaction.atomic():
                yield outer
        finally:
            outer.handled = previous
        return
    log = ChangeLog(handled=frozenset(handled))
    token = _log.set(log)
    try:
        with transaction.atomic(), revision_scope():
            lock_writes()
            yield log
            log.close()
    finally:
        _log.reset(token)


def lock_writes() -> None:
    """Take the write-ordering lock (PostgreSQL; SQLite already serialises writers)."""
    log = _log.get()
    if log is not None and log.locked:
        return
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_ID])
        if log is not None:
            log.locked = True


# ---------------------------------------------------------------------------------------
# Events written one at a time: writes outside a ``write()`` block.


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

    Inside a ``write()`` block the event goes to its change log (visibility is computed when
    it closes). ``public`` says whether what anonymous clients see of the resource may have
    changed: a party's, mineral's or person's event caused by a draft is for editors only."""
    if not key:
        return
    log = _log.get()
    if log is not None:
        log.add(resource, key, action, public)
        return
    _emit_now(resource, key, action, visible_after, public)


def _emit_now(resource, key, action, visible_after, public) -> None:
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


class OneWriteMixin:
    """A model serializer's save as one write(): the lock after validation, one revision,
    one change log (whose events the safety-net handlers compute). The answer is reloaded
    through get_queryset(), for the representation's annotations and prefetches."""

    def perform_create(self, serializer):
        with write():
            serializer.save()
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    perform_update = perform_create
