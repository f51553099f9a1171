"""Commitments in the agreement's fast read path (agreements/api/representation.py): the
same items as ``CommitmentNestedSerializer``, for many agreements in two queries (SQLite)
or as one SQL expression per agreement (PostgreSQL)."""

from collections import defaultdict

from django.db.models import F, OuterRef, Subquery

from agreements.commitments.serializers import NESTED_FIELDS
from agreements.models import Commitment

DATES = ("due_on", "status_on")
SCALARS = tuple(f for f in NESTED_FIELDS if f not in ("key", "responsible_parties"))


def nested_rows(agreement_ids) -> dict[int, list[dict]]:
    """agreement id → its commitments as the serializer renders them, in stored order; one
    query (a commitment comes once per responsible party, joined)."""
    out = defaultdict(list)
    rows = (
        Commitment.objects.filter(agreement_id__in=agreement_ids)
        .order_by("id", "responsible_parties__code")
        .values("pk", "agreement_id", "key", *SCALARS, "responsible_parties__code")
    )
    last = None
    for row in rows:
        if last is not None and last[0] == row["pk"]:
            last[1]["responsible_parties"].append(row["responsible_parties__code"])
            continue
        item = {}
        for name in NESTED_FIELDS:
            if name == "key":
                item[name] = str(row["key"])
            elif name == "responsible_parties":
                code = row["responsible_parties__code"]
                item[name] = [code] if code is not None else []
            elif name in DATES:
                item[name] = row[name].isoformat() if row[name] is not None else None
            else:
                item[name] = row[name]
        out[row["agreement_id"]].append(item)
        last = (row["pk"], item)
    return out


def json_expression():
    """The JSON array of an agreement's commitments (PostgreSQL), for the representation."""
    from agreements.api.representation import JSONAgg, JSONArrayOrEmpty, _children

    codes = JSONArrayOrEmpty(
        Subquery(
            Commitment.responsible_parties.through.objects.filter(commitment=OuterRef("pk"))
            .order_by()
            .values("commitment")
            .annotate(json=JSONAgg(F("party__code"), order_by=("party__code",)))
            .values("json")
        )
    )
    fields = {name: (codes if name == "responsible_parties" else name) for name in NESTED_FIELDS}
    return _children(
        Commitment.objects.filter(agreement=OuterRef("pk")), "agreement", ("id",), **fields
    )
