"""The editors' admin: changelists without per-row queries, rules shown where the fault is,
publishing gated by permission, and a history that says who changed what."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import Agreement, Party, PartyKind, Person
from minerals.models import Mineral, MineralList, MineralListEntry

from ..factories import (
    AgreementFactory,
    AgreementMineralFactory,
    AgreementPartyFactory,
    MineralFactory,
    PersonFactory,
    SignatureFactory,
    SourceFactory,
)

ADD_URL = reverse("admin:agreements_agreement_add")
INLINES = {
    "parties": "agreement_parties",
    "signatures": "signatures",
    "minerals": "agreement_minerals",
    "sources": "sources",
    "related": "related_links",
    "claims": "claims",
    "commitments": "commitments",  # issue 17
}


def party(code):
    return Party.objects.get(code=code)


def agreement_post(*, fields=None, initial=None, **collections):
    """The POST body of the agreement form: scalar fields plus each inline's rows."""
    data = {
        "title": "United Kingdom–Japan critical minerals memorandum",
        "short_title": "",
        "slug": "uk-japan-critical-minerals-mou",
        "kind": "memorandum_of_understanding",
        "status": "signed",
        "legally_binding": "false",
        "announced_on": "",
        "signed_on": "2025-03-10",
        "effective_on": "",
        "expires_on": "",
        "terminated_on": "",
        "signed_place": "Tokyo",
        "signed_country": party("JP").pk,
        "summary": "Cooperation on supply chains.",
        "text_url": "",
        "_save": "Save",
    }
    data.update(fields or {})
    initial = initial or {}
    for name, prefix in INLINES.items():
        rows = collections.get(name, [])
        data[f"{prefix}-TOTAL_FORMS"] = len(rows)
        data[f"{prefix}-INITIAL_FORMS"] = initial.get(name, 0)
        data[f"{prefix}-MIN_NUM_FORMS"] = 0
        data[f"{prefix}-MAX_NUM_FORMS"] = 1000
        for i, row in enumerate(rows):
            for key, value in row.items():
                data[f"{prefix}-{i}-{key}"] = value
    return data


def two_parties():
    return [{"party": party("GB").pk}, {"party": party("JP").pk}]


@pytest.fixture
def person(ref):
    return PersonFactory(name="Ada Minister")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def publisher_client(client, publisher):
    client.force_login(publisher)
    return client


def form_errors(response):
    """Field errors of the main form and of every inline row, as {where: [messages]}."""
    errors = {}
    for field, messages in response.context["adminform"].form.errors.items():
        errors[field] = list(messages)
    for formset in response.context["inline_admin_formsets"]:
        fs = formset.formset
        if fs.non_form_errors():
            errors[fs.prefix] = list(fs.non_form_errors())
        for i, form in enumerate(fs.forms):
            for field, messages in form.errors.items():
                errors[f"{fs.prefix}-{i}-{field}"] = list(messages)
    return errors


# --- Changelists: the same number of queries for one row and for a hundred -------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


SERIAL = itertools.count()


def make_agreements(n):
    for i in itertools.islice(SERIAL, n):
        agreement = AgreementFactory(title=f"Querytest agreement {i:03d}")
        AgreementPartyFactory(agreement=agreement, party=party("GB"))
        AgreementPartyFactory(agreement=agreement, party=party("US"))
        SignatureFactory(agreement=agreement, party=party("GB"))
        AgreementMineralFactory(agreement=agreement, mineral=Mineral.objects.get(slug="lithium"))
        SourceFactory(agreement=agreement)


def make_parties(n):
    gb = party("GB")
    for i in itertools.islice(SERIAL, n):
        Party.objects.create(
            code=f"QT-{i:03d}",
            name=f"Querytest body {i}",
            kind=PartyKind.GOVERNMENT_BODY,
            country=gb,
        )


def make_people(n):
    agreement = AgreementFactory()
    for i in itertools.islice(SERIAL, n):
        SignatureFactory(
            agreement=agreement,
            person=PersonFactory(name=f"Querytest Person {i}"),
            party=party("GB"),
            office=f"Minister {i}",
        )


def make_minerals(n):
    group = Mineral.objects.get(slug="rare-earth-elements")
    agreement = AgreementFactory()
    for i in itertools.islice(SERIAL, n):
        mineral = MineralFactory(slug=f"querytest-{i}", name=f"Querytest {i}", group=group)
        AgreementMineralFactory(agreement=agreement, mineral=mineral)


def make_mineral_lists(n):
    lithium = Mineral.objects.get(slug="lithium")
    for i in itertools.islice(SERIAL, n):
        lst = MineralList.objects.create(
            slug=f"querytest-{i}",
            name=f"Querytest list {i}",
            jurisdiction=party("GB"),
            published_on=datetime.date(2024, 1, 1),
        )
        MineralListEntry.objects.create(mineral_list=lst, mineral=lithium, label="Lithium")


CHANGELISTS = [
    ("agreements_agreement", "q=Querytest", make_agreements),
    ("agreements_party", "kind=government_body", make_parties),
    ("agreements_person", "q=Querytest", make_people),
    ("minerals_mineral", "q=Querytest", make_minerals),
    ("minerals_minerallist", "q=Querytest", make_mineral_lists),
]


@pytest.mark.django_db
@pytest.mark.parametrize("name,query,make", CHANGELISTS, ids=[c[0] for c in CHANGELISTS])
def test_changelist_queries_do_not_grow_with_rows(publisher_client, name, query, make):
    """A changelist page costs the same number of queries with 1 row as with 100."""
    url = f"{reverse(f'admin:{name}_changelist')}?{query}"
    make(1)
    one, response = count_queries(publisher_client, url)
    assert response.context["cl"].result_count == 1
    make(99)
    hundred, response = count_queries(publisher_client, url)
    assert response.context["cl"].result_count == 100
    print(f"{name}: {one} queries for 1 row, {hundred} for 100 rows")
    assert hundred == one


def test_agreement_changelist_shows_parties_date_status_and_publication(publisher_client):
    agreement = AgreementFactory(title="Querytest listing", signed_on=datetime.date(2024, 6, 2))
    AgreementPartyFactory(agreement=agreement, party=party("GB"))
    AgreementPartyFactory(agreement=agreement, party=party("JP"))
    response = publisher_client.get(reverse("admin:agreements_agreement_changelist") + "?q=listing")
    row = response.content.decode()
    assert "GB, JP" in row
    assert '<td class="field-signed_on nowrap">2 Jun 2024</td>' in row
    assert "Signed" in row


# --- Rules of the domain model, shown next to the field or the row at fault ------------------


def test_editor_records_agreement_with_every_collection(editor_client, person):
    """A valid submission saves the agreement with all its nested rows, as a draft."""
    data = agreement_post(
        parties=two_parties(),
        signatures=[
            {
                "person": person.pk,
                "party": party("GB").pk,
                "office": "Minister",
                "role": "signatory",
            }
        ],
        minerals=[{"mineral": Mineral.objects.get(slug="lithium").pk, "stages": ["mining"]}],
        sources=[{"url": "https://www.gov.uk/news/uk-japan", "kind": "press_release"}],
    )
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 302, form_errors(response)
    agreement = Agreement.objects.get(slug="uk-japan-critical-minerals-mou")
    assert not agreement.is_published
    assert sorted(agreement.parties.values_list("code", flat=True)) == ["GB", "JP"]
    signature = agreement.signatures.get()
    assert signature.signed_on == datetime.date(2025, 3, 10)  # defaults to the agreement's
    assert agreement.agreement_minerals.get().stages == ["mining"]


def test_signatory_of_a_non_party_is_refused_on_its_row(editor_client, person):
    data = agreement_post(
        parties=two_parties(),
        signatures=[{"person": person.pk, "party": party("FR").pk, "role": "signatory"}],
    )
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 200
    errors = form_errors(response)
    assert "FR is not a party to this agreement" in " ".join(errors["signatures-0-party"])
    assert not Agreement.objects.filter(slug="uk-japan-critical-minerals-mou").exists()


def test_signatory_without_party_is_refused_on_its_row(editor_client, person):
    data = agreement_post(
        parties=two_parties(), signatures=[{"person": person.pk, "role": "signatory"}]
    )
    errors = form_errors(editor_client.post(ADD_URL, data))
    assert "must represent" in " ".join(errors["signatures-0-party"])


def test_witness_may_represent_no_party(editor_client, person):
    data = agreement_post(
        parties=two_parties(), signatures=[{"person": person.pk, "role": "witness"}]
    )
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 302, form_errors(response)


@pytest.mark.parametrize(
    "fields,field,message",
    [
        ({"effective_on": "2025-03-01"}, "effective_on", "cannot be before the signing date"),
        ({"expires_on": "2025-03-10"}, "expires_on", "must be after the signing date"),
        (
            {"effective_on": "2025-04-01", "expires_on": "2025-04-01"},
            "expires_on",
            "must be after the effective date",
        ),
        ({"terminated_on": "2025-01-01"}, "terminated_on", "cannot be before the signing date"),
        ({"status": "planned"}, "status", "planned agreement has no signing date"),
        ({"signed_on": ""}, "signed_on", "needs a signing date"),
        ({"slug": "uk-us-critical-minerals-mou-2026"}, "slug", "already exists"),
    ],
)
def test_agreement_rules_are_shown_next_to_the_field(editor_client, fields, field, message):
    response = editor_client.post(ADD_URL, agreement_post(fields=fields, parties=two_parties()))
    assert response.status_code == 200
    errors = form_errors(response)
    assert message in " ".join(errors.get(field, [])), errors


@pytest.mark.parametrize(
    "collections,where,message",
    [
        (
            {"parties": [{"party": 1}, {"party": 1}]},
            "agreement_parties-1-party",
            "already a party",
        ),
        (
            {"minerals": [{"mineral": "lithium"}, {"mineral": "lithium"}]},
            "agreement_minerals-1-mineral",
            "already covered",
        ),
        (
            {
                "sources": [
                    {"url": "https://a.example/x", "kind": "news"},
                    {"url": "https://a.example/x", "kind": "news"},
                ]
            },
            "sources-1-url",
            "already listed",
        ),
        (
            {"parties": [{"party": "GB", "signed_on": "2025-03-10", "ratified_on": "2025-01-01"}]},
            "agreement_parties-0-ratified_on",
            "cannot ratify before it signs",
        ),
    ],
)
def test_collection_rules_are_shown_on_the_row(editor_client, collections, where, message):
    def resolve(row):
        out = dict(row)
        if out.get("party") == 1:
            out["party"] = party("GB").pk
        elif "party" in out:
            out["party"] = party(out["party"]).pk
        if "mineral" in out:
            out["mineral"] = Mineral.objects.get(slug=out["mineral"]).pk
        return out

    collections = {k: [resolve(r) for r in rows] for k, rows in collections.items()}
    collections.setdefault("parties", two_parties())
    response = editor_client.post(ADD_URL, agreement_post(**collections))
    assert response.status_code == 200
    errors = form_errors(response)
    assert message in " ".join(errors.get(where, [])), errors


def test_duplicate_signatory_is_shown_on_the_row(editor_client, person):
    row = {"person": person.pk, "party": party("GB").pk, "role": "signatory"}
    response = editor_client.post(
        ADD_URL, agreement_post(parties=two_parties(), signatures=[row, row])
    )
    errors = form_errors(response)
    assert "already has this role" in " ".join(errors["signatures-1-person"]), errors


def test_agreement_cannot_relate_to_itself(editor_client):
    agreement = AgreementFactory(is_published=False)
    url = reverse("admin:agreements_agreement_change", args=[agreement.pk])
    data = agreement_post(
        fields={"title": agreement.title, "slug": agreement.slug},
        parties=two_parties(),
        related=[{"to_agreement": agreement.pk, "kind": "follows"}],
    )
    errors = form_errors(editor_client.post(url, data))
    assert "cannot relate to itself" in " ".join(
        errors.get("related_links-0-to_agreement", [])
    ) or "cannot be related to itself" in str(errors), errors


def test_published_agreement_needs_two_parties_and_a_source(publisher_client):
    data = agreement_post(fields={"is_published": "on"}, parties=[{"party": party("GB").pk}])
    errors = form_errors(publisher_client.post(ADD_URL, data))
    assert "at least two parties" in " ".join(errors["agreement_parties"])
    assert "at least one source" in " ".join(errors["sources"])


def test_editor_cannot_publish_by_posting_the_field(editor_client):
    data = agreement_post(
        fields={"is_published": "on"},
        parties=two_parties(),
        sources=[{"url": "https://www.gov.uk/x", "kind": "press_release"}],
    )
    assert editor_client.post(ADD_URL, data).status_code == 302
    assert not Agreement.objects.get(slug="uk-japan-critical-minerals-mou").is_published


# --- Publishing and history ------------------------------------------------------------------


def test_publish_actions_are_offered_to_publishers_only(client, editor, publisher):
    url = reverse("admin:agreements_agreement_changelist")
    client.force_login(editor)
    assert "Publish selected" not in client.get(url).content.decode()
    client.force_login(publisher)
    page = client.get(url).content.decode()
    assert "Publish selected" in page and "Unpublish selected" in page


def test_publish_action_refuses_an_incomplete_agreement(publisher_client):
    draft = AgreementFactory(is_published=False, title="Lonely draft")
    AgreementPartyFactory(agreement=draft, party=party("GB"))
    url = reverse("admin:agreements_agreement_changelist")
    response = publisher_client.post(
        url, {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    )
    draft.refresh_from_db()
    assert not draft.is_published
    assert "at least two parties" in response.content.decode()


def test_history_lists_each_save_with_its_user_and_changes(
    editor_client, editor, publisher, person
):
    data = agreement_post(
        parties=two_parties(),
        signatures=[{"person": person.pk, "party": party("GB").pk, "role": "signatory"}],
        sources=[{"url": "https://www.gov.uk/news/uk-japan", "kind": "press_release"}],
    )
    assert editor_client.post(ADD_URL, data).status_code == 302
    agreement = Agreement.objects.get(slug="uk-japan-critical-minerals-mou")
    editor_client.force_login(publisher)
    editor_client.post(
        reverse("admin:agreements_agreement_changelist"),
        {"action": "publish", "_selected_action": [agreement.pk]},
    )
    agreement.refresh_from_db()
    assert agreement.is_published
    response = editor_client.get(reverse("admin:agreements_agreement_history", args=[agreement.pk]))
    timeline = response.context["timeline"]
    assert [e["user"].username for e in timeline] == ["pat", "eddie"]
    published, created = timeline
    assert published["items"][0]["changes"] == [
        {"field": "is published", "old": "no", "new": "yes"}
    ]
    whats = [i["what"] for i in created["items"]]
    assert whats[0] == "agreement"
    assert "party GB" in whats and "signature of Ada Minister (signatory)" in whats
    page = response.content.decode()
    assert "is published" in page and "pat" in page and "eddie" in page


def test_change_form_links_to_the_api(editor_client):
    agreement = AgreementFactory()
    page = editor_client.get(
        reverse("admin:agreements_agreement_change", args=[agreement.pk])
    ).content.decode()
    assert f"/api/v1/agreements/{agreement.slug}/" in page


def test_person_autocomplete_finds_people_by_name(editor_client, person):
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "Ada",
            "app_label": "agreements",
            "model_name": "signature",
            "field_name": "person",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == ["Ada Minister"]


def test_people_added_from_the_popup_get_a_slug(editor_client):
    url = reverse("admin:agreements_person_add") + "?_to_field=id&_popup=1"
    response = editor_client.post(
        url, {"name": "Jacob Helberg", "slug": "jacob-helberg-2", "_popup": "1"}
    )
    assert response.status_code == 200
    assert Person.objects.filter(slug="jacob-helberg-2").exists()


def test_history_version_page_refuses_a_post(publisher_client):
    """A past version is shown read-only: posting its form (simple-history's "revert") is
    refused and saves nothing, so no write skips the change form's rules."""
    agreement = AgreementFactory(title="Draft before", is_published=False)
    Agreement.objects.filter(pk=agreement.pk).update(title="Draft after")
    version = agreement.history.order_by("history_id").first()
    url = reverse(
        "admin:agreements_agreement_simple_history", args=[agreement.pk, version.history_id]
    )
    assert publisher_client.get(url).status_code == 200
    data = agreement_post(
        fields={"title": "Reverted", "slug": agreement.slug, "is_published": "on"}
    )
    response = publisher_client.post(url, data)
    assert response.status_code == 405
    agreement.refresh_from_db()
    assert (agreement.title, agreement.is_published) == ("Draft after", False)
    party_url = reverse(
        "admin:agreements_party_simple_history",
        args=[party("GB").pk, party("GB").history.first().history_id],
    )
    assert publisher_client.post(party_url, {"code": "GB", "name": "X"}).status_code == 405
    assert party("GB").name == "United Kingdom"
