"""The safety net: change events for writes that do not go through a service.

The services of ``agreements.services`` account for their own changes (see
``agreements.sync.affected``); everything else that saves or deletes a tracked model — the
admin of parties, minerals and people, the API of parties, people, minerals and lists,
management commands, fixtures — is caught here by pre/post save/delete signal handlers.
Each handler knows which resources show the row it sees (a party's partners, a person's
signatures, an agreement's parties …) and emits an event for each through
``changelog.emit``: into the current write's change log inside a ``write()`` block (the
models the write's service handles itself are skipped), else straight into the table.

Signals stay for these writes because they come through many doors (DRF model
serializers, ``ModelAdmin``, commands, reference-data loaders); routing each through a
service of its own is future work, and until then this keeps the feed complete.
"""

from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from agreements.models import (
    Agreement,
    AgreementMineral,
    AgreementParty,
    ChangeAction,
    ChangeResource,
    Commitment,
    Party,
    Person,
    RelatedAgreement,
    Signature,
    Source,
)
from agreements.sync.changelog import active_log, emit, lock_writes
from minerals.models import Mineral, MineralAlias, MineralList, MineralListEntry


def person_visible(person_id) -> bool:
    if active_log() is not None:
        return False  # the write's change log works visibility out when it closes
    return Signature.objects.filter(person_id=person_id, agreement__is_published=True).exists()


def _skipped(sender) -> bool:
    """Whether the current write's service accounts for changes of this model itself."""
    log = active_log()
    return log is not None and sender in log.handled


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
    if raw or _skipped(sender):
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
    if raw or _skipped(sender):
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
    if _skipped(sender):
        return
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
        _commitments_of(agreement)


def _agreement_deleted(agreement):
    emit(ChangeResource.AGREEMENT, agreement.slug, ChangeAction.DELETED, False)


def _party_saved(party, action, before, renamed):
    emit(ChangeResource.PARTY, party.code, action, True)
    # ``before`` is empty for a new party; a new code makes ``action`` "created" too, and
    # the rows showing the old code must hear of it all the same.
    if before.get("code") and before["code"] != party.code:
        _commitments_naming(party)
    if renamed and before:
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
    if renamed and before:
        for agreement in Agreement.objects.filter(signatures__person=person).distinct():
            emit_agreement(agreement)


def _mineral_saved(mineral, action, before, renamed):
    emit(ChangeResource.MINERAL, mineral.slug, action, True)
    groups = {before.get("group_id"), mineral.group_id} - {None}
    if groups:
        emit_minerals(groups)
    if renamed and before:
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
    if renamed and before:
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


# Commitments: their own event (keyed by their stable key) and their agreement's, which
# embeds them. Written by agreements.commitments.services, caught here like the other
# writes outside the agreement service.


def _commitment_saved(sender, instance, created, raw=False, **kwargs):
    if raw or _skipped(sender):
        return
    action = ChangeAction.CREATED if created else ChangeAction.UPDATED
    public = agreement_public(instance.agreement_id)
    emit(ChangeResource.COMMITMENT, str(instance.key), action, public)
    emit_agreement_id(instance.agreement_id)


def _commitment_deleted(sender, instance, **kwargs):
    if _skipped(sender):
        return
    emit(ChangeResource.COMMITMENT, str(instance.key), ChangeAction.DELETED, False)
    emit_agreement_id(instance.agreement_id)


def _commitments_naming(party: Party) -> None:
    """A party's code changed: the commitments listing it as responsible show its code (not
    its name), and are visible only while their agreement is published."""
    rows = Commitment.objects.filter(responsible_parties=party).values_list(
        "key", "agreement__is_published"
    )
    for key, published in rows:
        emit(ChangeResource.COMMITMENT, str(key), ChangeAction.UPDATED, bool(published))


def _commitments_of(agreement: Agreement) -> None:
    """An agreement renamed, published or unpublished outside the service: its commitments
    show its slug and title and are visible only while it is published."""
    for key in Commitment.objects.filter(agreement=agreement).values_list("key", flat=True):
        emit(ChangeResource.COMMITMENT, str(key), ChangeAction.UPDATED, agreement.is_published)


pre_save.connect(_before_write, sender=Commitment, dispatch_uid="cmat-pre-save-Commitment")
pre_delete.connect(_before_write, sender=Commitment, dispatch_uid="cmat-pre-del-Commitment")
post_save.connect(_commitment_saved, sender=Commitment, dispatch_uid="cmat-post-save-Commitment")
post_delete.connect(_commitment_deleted, sender=Commitment, dispatch_uid="cmat-post-del-Commitment")
