"""A typed client of the Critical Minerals Agreement Tracker API, generated from the served
OpenAPI schema by openapi-python-client (package ``cmat_client``), type-checked with mypy.

    BASE_URL=http://127.0.0.1:8000 CMAT_TOKEN=<an editor's key> python client_demo.py

(``cmat_client`` generated first: see examples/README.md.)"""

import datetime
import os
import time
from urllib.parse import parse_qs, urlparse

from cmat_client import AuthenticatedClient
from cmat_client.api.v1 import (
    v1_agreements_create,
    v1_agreements_list,
    v1_agreements_partial_update,
    v1_agreements_retrieve,
    v1_changes_retrieve,
)
from cmat_client.models import (
    Agreement,
    AgreementKindEnum,
    AgreementMineralRequest,
    AgreementPartyRequest,
    AgreementRequest,
    AgreementStatusEnum,
    ChangesPage,
    ErrorResponse400,
    ErrorResponse412,
    PaginatedAgreementList,
    PatchedAgreementRequest,
    StageEnum,
    V1AgreementsListOrdering,
)


def main() -> None:
    base_url = os.environ.get("BASE_URL", "http://127.0.0.1:8000")
    client = AuthenticatedClient(base_url=base_url, token=os.environ["CMAT_TOKEN"], prefix="Token")

    # 1. A list with filters (codes in any case, a mineral by name or alias).
    filtered = v1_agreements_list.sync(
        client=client,
        between="gb,us",
        mineral=["Lithium", "rare earths"],
        ordering=V1AgreementsListOrdering.SIGNED_ON_DESC,
    )
    assert isinstance(filtered, PaginatedAgreementList), filtered
    print(f"UK–US agreements on lithium or rare earths: {filtered.count}")

    # 2. Every page: follow `next` until it is None.
    agreements: list[Agreement] = []
    offset = 0
    while True:
        page = v1_agreements_list.sync(client=client, limit=100, offset=offset)
        assert isinstance(page, PaginatedAgreementList), page
        agreements.extend(page.results)
        if page.next_ is None:
            break
        offset = int(parse_qs(urlparse(page.next_).query)["offset"][0])
    print(f"paged through {len(agreements)} agreements")

    # 3. One agreement.
    one = v1_agreements_retrieve.sync(agreements[0].slug, client=client)
    assert isinstance(one, Agreement), one
    print(f"{one.slug}: {one.title} ({', '.join(p.party for p in one.parties)})")

    # 4. Create a draft with an editor's key; keep its ETag.
    created = v1_agreements_create.sync_detailed(
        client=client,
        body=AgreementRequest(
            title=f"Python client example {time.time_ns()}",
            kind=AgreementKindEnum.MEMORANDUM_OF_UNDERSTANDING,
            status=AgreementStatusEnum.SIGNED,
            signed_on=datetime.date(2025, 9, 10),
            parties=[AgreementPartyRequest(party="GB"), AgreementPartyRequest(party="JP")],
            minerals=[AgreementMineralRequest(mineral="lithium", stages=[StageEnum.PROCESSING])],
        ),
    )
    draft = created.parsed
    assert created.status_code == 201 and isinstance(draft, Agreement), created.content
    assert draft.is_published is False
    etag = created.headers["ETag"]
    print(f"created draft {draft.slug}")

    # 5. The changes feed, from the start to its current end.
    since, events = 0, 0
    while True:
        changes = v1_changes_retrieve.sync(client=client, since=since, limit=1000)
        assert isinstance(changes, ChangesPage), changes
        events += len(changes.results)
        since = changes.cursor
        if changes.next_ is None:
            break
    print(f"followed the changes feed: {events} events, cursor {since}")

    # 6. A 400 names the parameter at fault.
    bad = v1_agreements_list.sync(client=client, mineral=["kryptonite"])
    assert isinstance(bad, ErrorResponse400), bad
    print(f"400 as expected: {bad.errors[0].code} on {bad.errors[0].attr}")
    assert bad.errors[0].attr == "mineral"

    # 7. A 412: a second write from the same ETag is refused.
    first = v1_agreements_partial_update.sync_detailed(
        draft.slug, client=client, body=PatchedAgreementRequest(summary="Once."), if_match=etag
    )
    assert first.status_code == 200, first.content
    stale = v1_agreements_partial_update.sync(
        draft.slug, client=client, body=PatchedAgreementRequest(summary="Twice."), if_match=etag
    )
    assert isinstance(stale, ErrorResponse412), stale
    print(f"412 as expected: {stale.errors[0].code}")
    print("python client: ok")


if __name__ == "__main__":
    main()
