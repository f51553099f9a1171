"""The admin's agreement form through the test client: one submission with every inline,
rules of DESIGN §3 shown as readable form errors, and publishing gated by permission."""

import pytest
from django.utils.html import escape

from agreements.models import Agreement, Party, Person
from minerals.models import Mineral

from ..factories import AgreementFactory, UserFactory

ADD = "/admin/agreements/agreement/add/"
CHANGELIST = "/admin/agreements/agreement/"

PREFIXES = {
    "parties": "agreement_parties",
    "signatures": "signatures",
    "minerals": "agreement_minerals",
    "sources": "sources",
    "related": "related_links",
    "claims": "claims",
    "commitments": "commitments",  # issue 17
}


def pk(model, **lookup):
    """A primary key looked up when the form is built (the data needs the database)."""
    return lambda: str(model.objects.get(**lookup).pk)


def person(name):
    return lambda: str(Person.objects.get_or_create(name=name)[0].pk)


def resolve(value):
    return value() if callable(value) else value


def form_data(**overrides):
    """POST data of the agreement form with its inlines (each inline a list of row dicts)."""
    data = {
        "title": "UK–Chile Critical Minerals Memorandum",
        "short_title": "",
        "slug": "chile-uk-critical-minerals-mou-2025",
        "kind": "memorandum_of_understanding",
        "status": "signed",
        "legally_binding": "false",
        "announced_on": "",
        "signed_on": "2025-03-10",
        "effective_on": "",
        "expires_on": "",
        "terminated_on": "",
        "signed_place": "Santiago",
        "signed_country": pk(Party, code="CL")(),
        "summary": "Cooperation on lithium and copper.",
        "text_url": "",
    }
    inlines = {name: [] for name in PREFIXES}
    for key, value in overrides.items():
        if key in PREFIXES:
            inlines[key] = value
        else:
            data[key] = resolve(value)
    for name, rows in inlines.items():
        prefix = PREFIXES[name]
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = "0"
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
        for i, row in enumerate(rows):
            for field, value in row.items():
                data[f"{prefix}-{i}-{field}"] = resolve(value)
    return data


def parties(*codes):
    return [{"party": pk(Party, code=code)} for code in codes]


def signature(name, code, role="signatory", office="Minister"):
    return {
        "person": person(name),
        "party": pk(Party, code=code) if code else "",
        "role": role,
        "office": office,
    }


def source(url="https://www.gov.uk/government/news/uk-chile-minerals"):
    return {"url": url, "title": "Press release", "kind": "press_release"}


def minerals(*slugs):
    return [{"mineral": pk(Mineral, slug=slug), "stages": ["mining"]} for slug in slugs]


VALID = {
    "parties": parties("CL", "GB"),
    "signatures": [signature("Marcela Hernando", "CL"), signature("Nusrat Ghani", "GB")],
    "minerals": minerals("lithium", "copper"),
    "sources": [source()],
}


@pytest.fixture
def editor_admin(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def publisher_admin(client, publisher):
    client.force_login(publisher)
    return client


def errors_of(response, inline):
    for formset in response.context["inline_admin_formsets"]:
        if formset.formset.prefix == PREFIXES[inline]:
            return formset.formset
    raise AssertionError(inline)


def test_editor_creates_agreement_with_every_inline_in_one_submission(editor_admin, anon):
    """An editor saves parties, signatures, minerals and a source in one form; ticking
    "published" does not publish it."""
    before = Agreement.objects.count()
    response = editor_admin.post(ADD, form_data(is_published="on", **VALID))
    assert response.status_code == 302, response.context and response.context["errors"]
    assert Agreement.objects.count() == before + 1
    agreement = Agreement.objects.get(slug="chile-uk-critical-minerals-mou-2025")
    assert agreement.is_published is False
    assert sorted(agreement.parties.values_list("code", flat=True)) == ["CL", "GB"]
    assert sorted(agreement.signatures.values_list("person__name", "party__code")) == [
        ("Marcela Hernando", "CL"),
        ("Nusrat Ghani", "GB"),
    ]
    assert sorted(agreement.minerals.values_list("slug", flat=True)) == ["copper", "lithium"]
    assert list(agreement.sources.values_list("url", flat=True)) == [VALID["sources"][0]["url"]]
    # Signatures default to the agreement's date; search covers the new record.
    assert set(agreement.signatures.values_list("signed_on", flat=True)) == {agreement.signed_on}
    assert anon.get(f"/api/v1/agreements/{agreement.slug}/").status_code == 404


def test_publisher_publishes_with_the_list_action(publisher_admin, anon):
    """A publisher publishes a complete draft with the "publish" action; the public sees it."""
    response = publisher_admin.post(ADD, form_data(**VALID))
    assert response.status_code == 302
    agreement = Agreement.objects.get(slug="chile-uk-critical-minerals-mou-2025")
    assert not agreement.is_published
    changelist = publisher_admin.get(CHANGELIST)
    assert 'value="publish"' in changelist.content.decode()
    response = publisher_admin.post(
        CHANGELIST, {"action": "publish", "_selected_action": [agreement.pk]}, follow=True
    )
    assert "Published 1 agreement(s)." in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.is_published
    body = anon.get(f"/api/v1/agreements/{agreement.slug}/").json()
    assert body["is_published"] is True and body["title"] == agreement.title


def test_publish_action_refuses_incomplete_agreement(publisher_admin):
    """Publishing an agreement with fewer than two parties or no source is refused, with why."""
    draft = AgreementFactory(slug="lonely-draft", is_published=False)
    response = publisher_admin.post(
        CHANGELIST, {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    )
    content = response.content.decode()
    assert "A published agreement needs at least two parties." in content
    assert "A published agreement needs at least one source." in content
    draft.refresh_from_db()
    assert not draft.is_published


def test_editor_has_no_publish_action(editor_admin):
    """Editors do not see the publish action, and posting it anyway publishes nothing."""
    draft = AgreementFactory(slug="editors-draft", is_published=False)
    content = editor_admin.get(CHANGELIST).content.decode()
    assert "editors-draft" in content or str(draft) in content
    assert 'value="publish"' not in content
    assert 'value="unpublish"' not in content
    editor_admin.post(CHANGELIST, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert not draft.is_published


def test_editor_cannot_unpublish_by_editing(editor_admin):
    """An editor's save of a published agreement keeps it published (the field is read-only)."""
    published = Agreement.objects.get(slug="uk-us-critical-minerals-mou-2026")
    response = editor_admin.get(f"{CHANGELIST}{published.pk}/change/")
    assert 'name="is_published"' not in response.content.decode()


def invalid(name, message, status_code=200, **overrides):
    return pytest.param({**VALID, **overrides}, message, id=name)


@pytest.mark.parametrize(
    "data, message",
    [
        invalid(
            "effective-before-signed",
            "The effective date cannot be before the signing date.",
            effective_on="2025-03-09",
        ),
        invalid(
            "expires-on-effective",
            "The expiry date must be after the effective date.",
            effective_on="2025-04-01",
            expires_on="2025-04-01",
        ),
        invalid(
            "expires-on-signed",
            "The expiry date must be after the signing date.",
            expires_on="2025-03-10",
        ),
        invalid(
            "terminated-before-signed",
            "The termination date cannot be before the signing date.",
            terminated_on="2025-03-01",
        ),
        invalid(
            "planned-with-date",
            "A planned agreement has no signing date: clear it or change the status.",
            status="planned",
        ),
        invalid(
            "signed-without-date",
            "An agreement with status “Signed” needs a signing date.",
            signed_on="",
        ),
        invalid(
            "duplicate-party",
            "GB is already a party to this agreement.",
            parties=parties("CL", "GB", "GB"),
        ),
        invalid(
            "duplicate-mineral",
            "lithium is already covered by this agreement.",
            minerals=minerals("lithium", "copper", "lithium"),
        ),
        invalid(
            "duplicate-person-role",
            "This person already has this role on the agreement.",
            signatures=[signature("Nusrat Ghani", "GB"), signature("Nusrat Ghani", "GB")],
        ),
        invalid(
            "signatory-without-party",
            "A signatory must represent one of the parties.",
            signatures=[signature("Nusrat Ghani", None)],
        ),
        invalid(
            "duplicate-slug",
            "Agreement with this Slug already exists.",
            slug="uk-us-critical-minerals-mou-2026",
        ),
    ],
)
def test_admin_shows_rule_as_form_error_and_saves_nothing(editor_admin, data, message):
    """Each broken rule comes back as a readable error on the form, and nothing is saved."""
    posted = form_data(**data)  # people are chosen from existing ones, so create them first
    before = Agreement.objects.count(), Person.objects.count()
    response = editor_admin.post(ADD, posted)
    assert response.status_code == 200
    assert escape(message) in response.content.decode()
    assert (Agreement.objects.count(), Person.objects.count()) == before


def test_signatory_of_another_party_is_an_error_on_its_row(editor_admin):
    """A signatory must represent one of the agreement's parties: the error is on that row."""
    data = {
        **VALID,
        "signatures": [signature("Nusrat Ghani", "GB"), signature("Jacob Helberg", "US")],
    }
    before = Agreement.objects.count()
    response = editor_admin.post(ADD, form_data(**data))
    assert response.status_code == 200
    formset = errors_of(response, "signatures")
    assert formset.errors[0] == {}
    assert "US is not a party to this agreement" in formset.errors[1]["party"][0]
    assert Agreement.objects.count() == before


def test_witness_may_represent_no_party(editor_admin):
    """A witness needs no party, or one outside the agreement."""
    data = {
        **VALID,
        "signatures": [
            signature("Nusrat Ghani", "GB"),
            signature("Antony Blinken", "US", role="witness"),
            signature("Ursula von der Leyen", None, role="witness"),
        ],
    }
    response = editor_admin.post(ADD, form_data(**data))
    assert response.status_code == 302
    agreement = Agreement.objects.get(slug="chile-uk-critical-minerals-mou-2025")
    assert agreement.signatures.filter(role="witness").count() == 2


@pytest.mark.parametrize(
    "data, message",
    [
        invalid(
            "published-one-party",
            "A published agreement needs at least two parties.",
            parties=parties("GB"),
            signatures=[signature("Nusrat Ghani", "GB")],
        ),
        invalid(
            "published-no-source", "A published agreement needs at least one source.", sources=[]
        ),
    ],
)
def test_published_agreement_needs_two_parties_and_a_source(publisher_admin, data, message):
    """A publisher cannot save a published agreement with one party or without sources."""
    before = Agreement.objects.count()
    response = publisher_admin.post(ADD, form_data(is_published="on", **data))
    assert response.status_code == 200
    assert escape(message) in response.content.decode()
    assert Agreement.objects.count() == before


def test_agreement_cannot_relate_to_itself_in_admin(editor_admin):
    """A related-agreement row pointing at the agreement itself is a form error."""
    agreement = AgreementFactory(slug="self-linked", is_published=False, title="Self-linked")
    data = form_data(
        slug="self-linked",
        title="Self-linked",
        related=[{"to_agreement": str(agreement.pk), "kind": "follows"}],
    )
    response = editor_admin.post(f"{CHANGELIST}{agreement.pk}/change/", data)
    assert response.status_code == 200
    assert escape("An agreement cannot relate to itself.") in response.content.decode()
    assert not agreement.related_links.exists()


def test_government_body_needs_a_country_in_admin(editor_admin):
    """The party form refuses a government body without its state, and a duplicate code."""
    url = "/admin/agreements/party/add/"
    response = editor_admin.post(
        url, {"code": "US-DOE", "name": "US Department of Energy", "kind": "government_body"}
    )
    assert response.status_code == 200
    assert escape("A government body needs the state it belongs to.") in response.content.decode()
    response = editor_admin.post(url, {"code": "GB", "name": "Britain", "kind": "state"})
    assert response.status_code == 200
    assert "Party with this Code already exists." in response.content.decode()
    assert not Party.objects.filter(code="US-DOE").exists()
    response = editor_admin.post(
        url,
        {
            "code": "US-DOE",
            "name": "US Department of Energy",
            "kind": "government_body",
            "country": pk(Party, code="US")(),
        },
    )
    assert response.status_code == 302
    assert Party.objects.get(code="US-DOE").country.code == "US"


def test_mineral_cannot_be_its_own_group_in_admin(editor_admin):
    """The mineral form refuses a mineral as its own group."""
    lithium = Mineral.objects.get(slug="lithium")
    response = editor_admin.post(
        f"/admin/minerals/mineral/{lithium.pk}/change/",
        {
            "slug": "lithium",
            "name": "Lithium",
            "symbol": "Li",
            "group": str(lithium.pk),
            "description": "",
            "aliases-TOTAL_FORMS": "0",
            "aliases-INITIAL_FORMS": "0",
            "aliases-MIN_NUM_FORMS": "0",
            "aliases-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert escape("A mineral cannot be its own group.") in response.content.decode()
    lithium.refresh_from_db()
    assert lithium.group is None


def test_outsider_cannot_use_the_admin(client, ref):
    """A user without staff status is sent to the login page."""
    client.force_login(UserFactory(username="nobody", is_staff=False))
    response = client.get(ADD)
    assert response.status_code == 302 and "/login/" in response["Location"]
