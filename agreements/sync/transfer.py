"""Lossless export and import of every tracker record, its history and the changes feed.

The file is one JSON document: a header, the objects (Django's serialised form, primary
keys kept) model by model, and a trailer with the count per model. An import is refused
unless the document parses, its counts match and the target holds no tracker data; it runs
in one transaction, so a refused or failed import changes nothing.
"""

import contextlib
import datetime
import json
from collections import Counter
from collections.abc import Iterator

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from tqdm import tqdm

from agreements.models import (
    Agreement,
    AgreementMineral,
    AgreementParty,
    CatalogueRecord,
    ChangeEvent,
    Claim,
    Commitment,
    Party,
    Person,
    RelatedAgreement,
    Signature,
    Source,
)
from agreements.services import agreement_refresh_search
from agreements.validation import MAX_ITEMS, SignatureKey, agreement_collection_errors
from config.api.data_version import bump_data_version
from minerals.models import Mineral, MineralAlias, MineralList, MineralListEntry

FORMAT = "cmat-export"
VERSION = 1
TRACKER_MODELS = [
    Party,
    Person,
    Mineral,
    MineralAlias,
    MineralList,
    MineralListEntry,
    Agreement,
    AgreementParty,
    Signature,
    AgreementMineral,
    Source,
    RelatedAgreement,
    Claim,
    Commitment,  # issue 17
]
USER_FIELDS = [
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_active",
    "date_joined",
]


class ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, but times keep their microseconds (the API shows them)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class TransferError(Exception):
    """The file cannot be imported; nothing was changed."""


def exported_models():
    User = get_user_model()
    history = [m.history.model for m in TRACKER_MODELS]
    # Issue 17: a commitment's responsible parties (rows of the many-to-many, since the
    # import inserts in bulk) and their history.
    m2m = [
        Commitment.responsible_parties.through,
        apps.get_model("agreements", "HistoricalCommitment_responsible_parties"),
    ]
    return [User, *TRACKER_MODELS, m2m[0], *history, m2m[1], ChangeEvent, CatalogueRecord]


def label(model) -> str:
    return model._meta.label_lower


def _fields(model):
    if model is Agreement:
        return [
            f.name
            for f in model._meta.concrete_fields
            if f.name != "search_vector" and not f.primary_key
        ]
    if model is get_user_model():
        return USER_FIELDS
    return None


def count_rows() -> dict[str, int]:
    return {label(m): m._default_manager.count() for m in exported_models()}


def export_objects(progress: bool) -> Iterator[tuple[str, dict]]:
    total = sum(count_rows().values())
    bar = tqdm(total=total, unit="obj", disable=not progress, desc="export")
    for model in exported_models():
        queryset = model._default_manager.order_by("pk")
        for obj in queryset.iterator(chunk_size=2000):
            data = serializers.serialize("python", [obj], fields=_fields(model))[0]
            if model is get_user_model():
                data["fields"]["groups"] = sorted(obj.groups.values_list("name", flat=True))
            bar.update()
            yield label(model), data
    bar.close()


def export_to(stream, progress: bool = False) -> Counter:
    counts: Counter = Counter()
    stream.write(json.dumps({"format": FORMAT, "version": VERSION})[:-1] + ', "objects": [\n')
    first = True
    for model_label, data in export_objects(progress):
        counts[model_label] += 1
        stream.write(("" if first else ",\n") + json.dumps(data, cls=ExactJSONEncoder))
        first = False
    stream.write('\n], "counts": ' + json.dumps(dict(counts), sort_keys=True) + "}\n")
    return counts


@contextlib.contextmanager
def _keep_timestamps():
    """bulk_create would stamp auto_now fields with the import time; keep the exported ones."""
    changed = []
    for model in TRACKER_MODELS:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                changed.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in changed:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def read_document(stream) -> dict:
    try:
        document = json.load(stream)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise TransferError(f"not a complete export file (JSON error: {exc})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise TransferError("not an export file of this application")
    if document.get("version") != VERSION:
        raise TransferError(f"unsupported export version {document.get('version')!r}")
    objects, counts = document.get("objects"), document.get("counts")
    if not isinstance(objects, list) or not isinstance(counts, dict):
        raise TransferError("the file has no objects or no counts: it is incomplete")
    found = Counter(o.get("model") for o in objects if isinstance(o, dict))
    if dict(found) != {k: v for k, v in counts.items() if v}:
        raise TransferError(f"object counts do not match the trailer: {dict(found)} vs {counts}")
    known = {label(m) for m in exported_models()}
    unknown = set(found) - known
    if unknown:
        raise TransferError(f"unknown models in the file: {', '.join(sorted(unknown))}")
    return document


def import_from(stream, progress: bool = False) -> Counter:
    document = read_document(stream)
    not_empty = [label(m) for m in [*TRACKER_MODELS, ChangeEvent] if m._default_manager.exists()]
    if not_empty:
        raise TransferError(f"the target database is not empty ({', '.join(not_empty)})")
    by_model: dict[str, list] = {}
    for item in document["objects"]:
        by_model.setdefault(item["model"], []).append(item)
    User = get_user_model()
    counts: Counter = Counter()
    bar = tqdm(total=len(document["objects"]), unit="obj", disable=not progress, desc="import")
    try:
        with transaction.atomic(), _keep_timestamps():
            for model in exported_models():
                items = by_model.get(label(model), [])
                if model is User:
                    _import_users(items)
                    counts[label(model)] += len(items)
                    bar.update(len(items))
                    continue
                objs = []
                for obj in serializers.deserialize("python", items):
                    objs.append(obj.object)
                if model in TRACKER_MODELS:
                    _check_objects(model, objs)
                for start in range(0, len(objs), 1000):
                    model._default_manager.bulk_create(objs[start : start + 1000])
                    bar.update(len(objs[start : start + 1000]))
                counts[label(model)] += len(objs)
            _check_collections(by_model)
            _reset_sequences()
            _rebuild_search()
            bump_data_version()
    except TransferError:
        raise
    except Exception as exc:  # any database or data error: refuse, the transaction is undone
        raise TransferError(f"import failed and was rolled back: {exc}") from exc
    finally:
        bar.close()
    return counts


def _check_objects(model, objs) -> None:
    """The model's field validators and clean(), as the admin and the API run them: the first
    object that breaks one refuses the whole file. Runs before the insert (rows of earlier
    models are in already; a reference within the same model is taken from the file)."""
    same_model = [
        f for f in model._meta.concrete_fields if f.is_relation and f.related_model is model
    ]
    by_pk = {obj.pk: obj for obj in objs} if same_model else {}
    # The database checks that references exist (one query per row here otherwise).
    references = [f.name for f in model._meta.concrete_fields if f.is_relation]
    for obj in objs:
        for field in same_model:
            target = by_pk.get(getattr(obj, field.attname))
            if target is not None:
                setattr(obj, field.name, target)
        try:
            obj.clean_fields(exclude=references)
            obj.clean()
        except ValidationError as exc:
            raise TransferError(f"{label(model)} {obj.pk}: {_messages(exc)}") from None


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)


def _check_collections(by_model: dict[str, list]) -> None:
    """The rules that span an agreement's nested rows (agreements.validation), per agreement."""

    def rows(model):
        return [item["fields"] | {"pk": item["pk"]} for item in by_model.get(label(model), [])]

    keys = {
        label(model): {row["pk"]: row[field] for row in rows(model)}
        for model, field in ((Party, "code"), (Person, "slug"), (Mineral, "slug"))
    }
    agreements = {row["pk"]: row for row in rows(Agreement)}
    slugs = {pk: row["slug"] for pk, row in agreements.items()}
    nested: dict = {pk: {name: [] for name in MAX_ITEMS} for pk in agreements}

    def add(pk, name, value):
        if pk in nested:
            nested[pk][name].append(value)

    parties, people, minerals = (keys[label(m)] for m in (Party, Person, Mineral))
    for row in rows(AgreementParty):
        add(row["agreement"], "parties", parties.get(row["party"]))
    for row in rows(Signature):
        signature = SignatureKey(
            person=people.get(row["person"], ""),
            role=row["role"],
            party=parties.get(row["party"]) if row.get("party") else None,
        )
        add(row["agreement"], "signatures", signature)
    for row in rows(AgreementMineral):
        add(row["agreement"], "minerals", minerals.get(row["mineral"]))
    for row in rows(Source):
        add(row["agreement"], "sources", row["url"])
    for row in rows(RelatedAgreement):
        add(row["from_agreement"], "related", slugs.get(row["to_agreement"]))
    for pk, agreement in agreements.items():
        errors = agreement_collection_errors(
            is_published=bool(agreement.get("is_published")), slug=agreement["slug"], **nested[pk]
        )
        if errors:
            error = errors[0]
            where = error.collection if error.index is None else f"{error.collection}.{error.index}"
            raise TransferError(f"agreement {agreement['slug']!r}, {where}: {error.message}")


def _import_users(items):
    User = get_user_model()
    for item in items:
        fields = dict(item["fields"])
        groups = fields.pop("groups", [])
        existing = User.objects.filter(pk=item["pk"]).first()
        if existing is not None:
            if existing.get_username() != fields["username"]:
                raise TransferError(
                    f"user id {item['pk']} is {existing.get_username()!r} here, "
                    f"{fields['username']!r} in the file"
                )
            continue
        user = User(pk=item["pk"], **{k: v for k, v in fields.items() if k in USER_FIELDS})
        user.set_unusable_password()
        user.save()
        user.groups.set(Group.objects.filter(name__in=groups))


def _reset_sequences():
    statements = connection.ops.sequence_reset_sql(no_style(), exported_models())
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _rebuild_search():
    for agreement in Agreement.objects.only(
        "pk", "title", "short_title", "summary", "signed_place"
    ):
        agreement_refresh_search(agreement)
