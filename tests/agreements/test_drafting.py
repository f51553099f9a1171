"""Drafting an agreement from a press release: the API endpoint, the admin page and the
pre-filled add form, the database vocabulary and the evaluation command."""

import datetime
import re
from html import unescape
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from agreements.drafting.repair import proposal_fixed
from agreements.drafting.runner import vocabulary_from_db
from agreements.extraction.vocabulary import Vocabulary
from agreements.models import Agreement, AgreementParty, Person, Signature, Source
from minerals.models import Mineral, MineralAlias

from ..extraction.test_extraction import DEV_GUARDS
from ..factories import UserFactory

RELEASES = Path(__file__).resolve().parents[1] / "extraction" / "releases"
FOUNDING = (RELEASES / "2026-02-05-uk-us-critical-minerals-mou.txt").read_text(encoding="utf-8")
US_JAPAN = (RELEASES / "2023-03-28-us-japan-critical-minerals-agreement.txt").read_text(
    encoding="utf-8"
)
URL = "/api/v1/agreements/draft-from-text/"
SOURCE_URL = "https://www.gov.uk/government/news/new-uk-us-partnership-critical-minerals"


def draft(client, text=FOUNDING, published_on="2026-02-05", **extra):
    return client.post(URL, {"text": text, "published_on": published_on, **extra}, format="json")


def assert_error(response, status, attr=None):
    body = response.json()
    assert response.status_code in ((status,) if isinstance(status, int) else status), body
    assert set(body) == {"type", "errors"}
    assert body["errors"] and all(set(e) == {"code", "detail", "attr"} for e in body["errors"])
    if attr is not None:
        assert attr in [e["attr"] for e in body["errors"]]
    return body


def saved_counts():
    return tuple(m.objects.count() for m in (Agreement, Person, Signature, AgreementParty, Source))


# --- API --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_founding_release_proposal(editor_api):
    """The founding release yields the UK–US MoU signed in Washington DC on 2026-02-04 by
    Seema Malhotra and Jacob Helberg; Australia and Canada, only mentioned, are not parties."""
    response = draft(editor_api)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert set(body) == {"proposal", "evidence", "warnings"}
    proposal = body["proposal"]
    assert sorted(p["party"] for p in proposal["parties"]) == ["GB", "US"]
    assert not {"AU", "CA"} & {p["party"] for p in proposal["parties"]}
    assert [(s["person"], s["office"], s["party"], s["role"]) for s in proposal["signatures"]] == [
        ("Seema Malhotra", "Foreign Office Minister", "GB", "signatory"),
        ("Jacob Helberg", "Under Secretary of State", "US", "signatory"),
    ]
    assert proposal["signed_on"] == "2026-02-04"
    assert proposal["signed_place"] == "Washington DC"
    assert proposal["signed_country"] == "US"
    assert proposal["kind"] == "memorandum_of_understanding"
    assert proposal["status"] == "signed"
    assert proposal["is_published"] is False
    assert not Agreement.objects.filter(title=proposal["title"]).exists()  # nothing saved


@pytest.mark.django_db
def test_evidence_quotes_the_text(editor_api):
    """Every evidence span is the quoted text, and each field points at its own sentence."""
    evidence = draft(editor_api).json()["evidence"]
    for field, items in evidence.items():
        for item in items:
            assert FOUNDING[item["start"] : item["end"]] == item["quote"], field
            assert 0 < item["confidence"] <= 1
    assert evidence["kind"][0]["quote"] == "Memorandum of Understanding"
    assert evidence["signed_place"][0]["quote"] == "Washington DC"
    signed_on = evidence["signed_on"][0]
    assert signed_on["quote"] == "yesterday"
    line = FOUNDING[
        FOUNDING.rfind("\n", 0, signed_on["start"]) + 1 : FOUNDING.index("\n", signed_on["end"])
    ]
    assert "Seema Malhotra signed a Memorandum of Understanding" in line
    by_person = {e["value"]: e["quote"] for e in evidence["signatures"]}
    assert "Seema Malhotra signed" in by_person["Seema Malhotra"]
    assert "Jacob Helberg" in by_person["Jacob Helberg"]
    party_quotes = {e["value"]: e["quote"] for e in evidence["parties"]}
    assert set(party_quotes) == {"GB", "US"}
    assert all("UK-US" in q or "UK and US" in q for q in party_quotes.values())


@pytest.mark.django_db
def test_save_creates_an_unpublished_draft(editor_api, anon):
    """save: true creates a draft through the normal serializer: 201 with its url and slug,
    parties and signatures in place, invisible to anonymous clients."""
    response = draft(editor_api, save=True, source_url=SOURCE_URL, publisher="DBT")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert {"proposal", "evidence", "warnings", "url", "slug"} <= set(body)
    assert body["url"].endswith(f"/api/v1/agreements/{body['slug']}/")
    assert response["Location"] == body["url"]
    agreement = Agreement.objects.get(slug=body["slug"])
    assert agreement.is_published is False
    assert agreement.signed_on == datetime.date(2026, 2, 4)
    assert agreement.signed_place == "Washington DC"

    stored = editor_api.get(body["url"]).json()
    assert [p["party"] for p in stored["parties"]] == ["GB", "US"]
    assert {(s["person_name"], s["party"]) for s in stored["signatures"]} == {
        ("Seema Malhotra", "GB"),
        ("Jacob Helberg", "US"),
    }
    assert [(s["url"], s["kind"]) for s in stored["sources"]] == [(SOURCE_URL, "press_release")]
    # Existing people are reused, not duplicated.
    assert Person.objects.filter(name="Seema Malhotra").count() == 1

    assert anon.get(body["url"]).status_code == 404
    listed = anon.get("/api/v1/agreements/", {"limit": 500}).json()["results"]
    assert body["slug"] not in {a["slug"] for a in listed}


@pytest.mark.django_db
def test_save_drops_what_the_rules_refuse(editor_api):
    """A proposal with gaps is saved anyway: title and kind filled in, a missing source
    address and an unsigned status explained in warnings."""
    text = (
        " date 2026-03-01 Ministry of Mines\n"
        "Ministers discuss cooperation on lithium supply chains\n"
        "Ministers of the United Kingdom and Japan met in London to discuss lithium "
        "supply chains and future cooperation between the two countries.\n"
    )
    response = draft(editor_api, text=text, published_on="2026-03-01", save=True)
    assert response.status_code == 201, response.json()
    body = response.json()
    agreement = Agreement.objects.get(slug=body["slug"])
    assert agreement.title == "Ministers discuss cooperation on lithium supply chains"
    assert agreement.kind == "other"
    assert agreement.status == "planned" and agreement.signed_on is None
    assert not agreement.is_published
    warnings = " | ".join(body["warnings"])
    assert "title not proposed" in warnings
    assert "kind not found" in warnings
    assert "no source URL" in warnings


def test_proposal_fixed_resolves_status_without_date(db):
    """A status that needs a signing date it does not have becomes planned, with a warning;
    a signatory of a party that is not a party is dropped, with a warning."""
    proposal = {
        "title": "X",
        "kind": "agreement",
        "status": "signed",
        "signed_on": None,
        "parties": [{"party": "GB", "signed_on": None}, {"party": "ZZ", "signed_on": None}],
        "signatures": [
            {"person": "A B", "party": "FR", "office": "", "role": "signatory", "signed_on": None}
        ],
        "minerals": [{"mineral": "unobtainium", "stages": []}],
        "sources": [],
    }
    warnings = []
    fixed = proposal_fixed(proposal, datetime.date(2026, 1, 1), warnings)
    assert fixed["status"] == "planned" and fixed["signed_on"] is None
    assert [p["party"] for p in fixed["parties"]] == ["GB"]
    assert fixed["signatures"] == [] and fixed["minerals"] == []
    assert len(warnings) == 4
    assert proposal["status"] == "signed"  # the input is left alone


@pytest.mark.django_db
def test_anonymous_clients_get_401(anon):
    """Drafting needs an authenticated editor."""
    assert_error(draft(anon), 401)


@pytest.mark.django_db
def test_users_without_add_permission_get_403(outsider_api):
    """An authenticated user without agreements.add_agreement may not draft."""
    assert_error(draft(outsider_api), 403)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "attr"),
    [
        ({"text": "", "published_on": "2026-02-05"}, "text"),
        ({"text": "   \n ", "published_on": "2026-02-05"}, "text"),
        ({"text": "a\x00b", "published_on": "2026-02-05"}, "text"),
        ({"text": ["list"], "published_on": "2026-02-05"}, "text"),
        ({"text": "x" * 200_001, "published_on": "2026-02-05"}, "text"),
        ({"text": FOUNDING, "published_on": "05/02/2026"}, "published_on"),
        ({"text": FOUNDING, "published_on": "2026-02-30"}, "published_on"),
        ({"text": FOUNDING}, "published_on"),
        ({"text": FOUNDING, "published_on": "2026-02-05", "source_url": "not a url"}, "source_url"),
        ({"text": FOUNDING, "published_on": "2026-02-05", "save": "maybe"}, "save"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(editor_api, payload, attr):
    """Bad input is refused in the standard error shape, naming the field."""
    assert_error(editor_api.post(URL, payload, format="json"), 400, attr)


@pytest.mark.django_db
def test_huge_text_is_refused(editor_api):
    """5 MB of text is refused (413 by the size limit, or 400 by the field limit)."""
    assert_error(draft(editor_api, text="word " * (1024 * 1024)), (400, 413))


@pytest.mark.django_db
def test_malformed_json_is_a_400(editor_api):
    response = editor_api.post(URL, "{not json", content_type="application/json")
    assert_error(response, 400)


@pytest.mark.django_db
def test_endpoint_is_in_the_schema(anon):
    """The operation documents its request, both success responses and the errors."""
    schema = anon.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"][URL]["post"]
    assert {"200", "201", "400", "401", "403"} <= set(operation["responses"])
    assert not [p for p in operation.get("parameters", []) if p["name"] in ("limit", "party")]
    request = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert request.endswith("/DraftFromTextRequest")


# --- vocabulary -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_vocabulary_comes_from_the_database_and_is_rebuilt_on_change(
    ref, django_capture_on_commit_callbacks
):
    """The vocabulary holds the stored parties (with pycountry's names) and minerals with
    their aliases; it is reused until the data version changes."""
    vocabulary = vocabulary_from_db()
    assert vocabulary_from_db() is vocabulary
    assert "United Kingdom" in vocabulary.parties["GB"]
    assert "European Union" in vocabulary.parties["EU"]
    assert vocabulary.mineral_groups.get("neodymium") == "rare-earth-elements"
    assert "white petroleum" not in vocabulary.mineral_names

    with django_capture_on_commit_callbacks(execute=True):
        MineralAlias.objects.create(
            mineral=Mineral.objects.get(slug="lithium"), name="White petroleum"
        )
    rebuilt = vocabulary_from_db()
    assert rebuilt is not vocabulary
    assert rebuilt.mineral_names["white petroleum"] == "lithium"


# --- admin ----------------------------------------------------------------------------------

PAGE = reverse("admin:agreements_agreement_draft_from_text")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def preview(client, text=FOUNDING, published_on="2026-02-05", **extra):
    response = client.post(PAGE, {"text": text, "published_on": published_on, **extra})
    assert response.status_code == 200
    return response


def add_form_url(response) -> str:
    match = re.search(r'id="open-add-form" href="([^"]+)"', response.content.decode())
    assert match, "no Open in the add form button"
    return unescape(match.group(1))


def post_data_of(response) -> dict:
    """What a browser would post back from the add form as rendered, unchanged."""
    data = {"_save": "Save"}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms.append(formset.management_form)
        forms.extend(formset.forms)
    for form in forms:
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            if isinstance(value, list | tuple):
                data[bound.html_name] = [str(v) for v in value]
            elif isinstance(value, datetime.date):
                data[bound.html_name] = value.isoformat()
            else:
                data[bound.html_name] = str(value)
    return data


@pytest.mark.django_db
def test_changelist_links_to_the_page(editor_client):
    response = editor_client.get(reverse("admin:agreements_agreement_changelist"))
    assert PAGE in response.content.decode()
    assert "Add agreement from press release" in response.content.decode()


@pytest.mark.django_db
def test_page_needs_the_add_permission(client, ref):
    """Staff without the add permission are refused; editors get the page."""
    client.force_login(UserFactory(username="stan", is_staff=True))
    assert client.get(PAGE).status_code == 403
    client.force_login(UserFactory(username="eddie", groups=["editors"]))
    assert client.get(PAGE).status_code == 200


@pytest.mark.django_db
def test_preview_shows_each_field_with_its_evidence(editor_client):
    """The preview marks the evidence in the text (offsets on each mark) and lists field,
    value, quote and confidence."""
    html = preview(editor_client, source_url=SOURCE_URL).content.decode()
    marks = re.findall(
        r'<mark class="evidence" data-start="(\d+)" data-end="(\d+)" data-fields="([^"]*)"'
        r"[^>]*>(.*?)</mark>",
        html,
        re.S,
    )
    assert marks
    for start, end, _, inner in marks:
        assert unescape(inner) == FOUNDING[int(start) : int(end)]
    fields = {f for *_, fields, _ in marks for f in fields.split()}
    assert {"parties", "signatures", "signed_on", "signed_place", "kind"} <= fields
    table = html[html.index('id="evidence-table"') :]
    assert "Seema Malhotra (GB, Foreign Office Minister)" in unescape(table)
    assert "“Washington DC”" in unescape(table)
    assert "Open in the add form" in html


@pytest.mark.django_db
def test_preview_lists_warnings_and_keeps_bad_input(editor_client):
    response = editor_client.post(PAGE, {"text": "  ", "published_on": "yesterday"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"text", "published_on"}
    html = preview(editor_client).content.decode()  # no source URL given
    assert "no source URL given" in html


@pytest.mark.django_db
def test_add_form_is_prefilled_and_nothing_is_saved_until_save(editor_client, anon):
    """Paste → preview → add form pre-filled with main fields, parties and signatures;
    nothing is stored until the add form is posted; the post saves an unpublished draft."""
    before = saved_counts()
    response = preview(editor_client, source_url=SOURCE_URL, publisher="DBT")
    add = editor_client.get(add_form_url(response))
    assert add.status_code == 200
    assert saved_counts() == before

    form = add.context["adminform"].form
    assert form["title"].value() == "UK–US Memorandum of Understanding on critical minerals"
    assert form["kind"].value() == "memorandum_of_understanding"
    assert form["signed_on"].value() == datetime.date(2026, 2, 4)
    assert form["signed_place"].value() == "Washington DC"
    formsets = {f.formset.prefix: f.formset for f in add.context["inline_admin_formsets"]}
    parties = [f["party"].value() for f in formsets["agreement_parties"].forms]
    assert sorted(parties) == sorted(
        AgreementParty._meta.get_field("party")
        .related_model.objects.filter(code__in=["GB", "US"])
        .values_list("pk", flat=True)
    )
    signatures = formsets["signatures"].forms
    assert [(f["person"].value(), f["office"].value()) for f in signatures] == [
        (Person.objects.get(name="Seema Malhotra").pk, "Foreign Office Minister"),
        (Person.objects.get(name="Jacob Helberg").pk, "Under Secretary of State"),
    ]
    assert [f["url"].value() for f in formsets["sources"].forms] == [SOURCE_URL]
    html = add.content.decode()
    assert "Nothing is saved until you press Save" in html
    assert "selected>Seema Malhotra</option>" in html  # the autocomplete shows the person

    saved = editor_client.post(add_form_url(response), post_data_of(add))
    assert saved.status_code == 302, saved.context and [
        saved.context["adminform"].form.errors,
        [f.formset.errors for f in saved.context["inline_admin_formsets"]],
    ]
    agreement = Agreement.objects.get(slug=form["slug"].value())
    assert agreement.is_published is False
    assert sorted(agreement.parties.values_list("code", flat=True)) == ["GB", "US"]
    assert sorted(agreement.signatures.values_list("person__name", "party__code", "office")) == [
        ("Jacob Helberg", "US", "Under Secretary of State"),
        ("Seema Malhotra", "GB", "Foreign Office Minister"),
    ]
    assert list(agreement.sources.values_list("url", flat=True)) == [SOURCE_URL]
    assert Person.objects.count() == before[1]
    assert anon.get(f"/api/v1/agreements/{agreement.slug}/").status_code == 404


@pytest.mark.django_db
def test_unknown_signatories_are_named_not_created(editor_client):
    """People not in the database are named in a warning on the add form and their row is
    left for the editor; no person is created by opening the form."""
    people = Person.objects.count()
    response = preview(editor_client, text=US_JAPAN, published_on="2023-03-28")
    add = editor_client.get(add_form_url(response))
    messages = [str(m) for m in add.context["messages"]]
    assert any("Katherine Tai" in m and "not in the database" in m for m in messages)
    assert Person.objects.count() == people
    formsets = {f.formset.prefix: f.formset for f in add.context["inline_admin_formsets"]}
    rows = formsets["signatures"].forms
    assert [f["person"].value() for f in rows] == [None, None]
    assert {f["office"].value() for f in rows} >= {"United States Trade Representative"}


@pytest.mark.django_db
def test_add_form_without_a_draft_is_unchanged(editor_client):
    response = editor_client.get(reverse("admin:agreements_agreement_add") + "?draft=unknown")
    assert response.status_code == 200
    assert response.context["adminform"].form["title"].value() in (None, "")
    formsets = {f.formset.prefix: f.formset for f in response.context["inline_admin_formsets"]}
    assert len(formsets["agreement_parties"].forms) == 0


# --- evaluation command ---------------------------------------------------------------------

TARGETS = DEV_GUARDS  # the extraction tests' guards, with the database's vocabulary


@pytest.mark.django_db
def test_evaluate_extraction_meets_the_targets(ref):
    """The command prints per-field precision and recall over the dev set, above the guards."""
    out = StringIO()
    call_command("evaluate_extraction", str(RELEASES), stdout=out)
    table = out.getvalue()
    assert table.splitlines()[0].split() == ["field", "precision", "recall", "tp", "fp", "fn"]
    scores = {}
    for line in table.splitlines()[1:]:
        parts = line.split()
        if parts and parts[0] in TARGETS:
            scores[parts[0]] = (float(parts[1]), float(parts[2]))
    assert set(scores) == set(TARGETS)
    for field, (precision, recall) in TARGETS.items():
        assert scores[field][0] >= precision, (field, table)
        assert scores[field][1] >= recall, (field, table)
    assert f"releases: {len(list(RELEASES.glob('*.json')))}" in table


def test_evaluate_extraction_refuses_a_missing_folder(db, tmp_path):
    with pytest.raises(CommandError):
        call_command("evaluate_extraction", str(tmp_path / "nowhere"))
    with pytest.raises(CommandError):
        call_command("evaluate_extraction", str(tmp_path))


@pytest.mark.django_db
def test_without_reference_data_the_endpoint_says_so(editor_api, monkeypatch):
    """With no parties loaded the extractor has nothing to match: a 503 that says what to
    run, not a crash."""
    monkeypatch.setattr(
        "agreements.drafting.runner.vocabulary_from_db", lambda: Vocabulary(parties={}, minerals={})
    )
    # 5xx responses are reported through got_request_exception; the test client would re-raise.
    editor_api.raise_request_exception = False
    body = assert_error(draft(editor_api), 503)
    assert "load_reference_data" in body["errors"][0]["detail"]


# --- bounds -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_text_over_the_cap_is_refused_before_extraction(editor_api, monkeypatch):
    """200 000 characters (and anything over the documented maxLength) is a 400 naming
    `text`; the extractor never sees it."""
    from agreements.drafting import runner as drafting

    def never(*args, **kwargs):
        raise AssertionError("the extractor ran on an over-long text")

    monkeypatch.setattr(drafting, "extract", never)
    for length in (drafting.MAX_TEXT_CHARS + 1, 200_000):
        text = (FOUNDING * (length // len(FOUNDING) + 1))[:length]
        body = assert_error(draft(editor_api, text=text), 400, "text")
        assert body["errors"][0]["code"] == "max_length"
    schema = editor_api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    request = schema.json()["components"]["schemas"]["DraftFromTextRequest"]
    assert request["properties"]["text"]["maxLength"] == drafting.MAX_TEXT_CHARS == 20_000


def _runaway(*args, **kwargs):
    while True:  # an input the extractor never finishes with
        pass


@pytest.mark.django_db
def test_runaway_extraction_is_stopped_at_the_time_budget(editor_api, settings, monkeypatch):
    """An extraction that never ends is stopped when the budget is spent: a 400 naming
    `text`, nothing saved, and no process left running it."""
    import multiprocessing

    from agreements.drafting import runner as drafting

    settings.DRAFT_TIME_LIMIT = 1
    monkeypatch.setattr(drafting, "extract", _runaway)
    before = saved_counts()
    response = draft(editor_api, save=True, source_url=SOURCE_URL)
    body = assert_error(response, 400, "text")
    assert body["errors"][0]["code"] == "processing_time_exceeded"
    assert saved_counts() == before
    assert multiprocessing.active_children() == []


@pytest.mark.django_db
def test_runaway_extraction_in_the_admin_is_a_form_error(editor_client, settings, monkeypatch):

    from agreements.drafting import runner as drafting

    settings.DRAFT_TIME_LIMIT = 1
    monkeypatch.setattr(drafting, "extract", _runaway)
    response = preview(editor_client)
    assert "could not be analysed within 1 s" in response.content.decode()


@pytest.mark.django_db
def test_publisher_longer_than_documented_is_refused_as_sent(editor_api):
    """`publisher` is at most 300 characters as sent, white space included (schemathesis: a
    short name followed by 400 form feeds was trimmed and accepted); a name with surrounding
    spaces within the limit is still accepted, trimmed."""
    body = assert_error(draft(editor_api, publisher="Ministry" + "\f" * 400), 400, "publisher")
    assert body["errors"][0]["code"] == "max_length"
    assert draft(editor_api, publisher="  Ministry of Mines  ").status_code == 200


# --- commitments ----------------------------------------------------------------------------

COMMITMENTS_RELEASE = (
    " date 2026-03-02 Department for Business & Trade\n"
    "UK and Japan sign critical minerals memorandum\n"
    "The UK and Japan signed a Memorandum of Cooperation on critical minerals in London "
    "yesterday. The two sides will establish a joint working group within six months of "
    "signing. They agreed to hold a regular annual meeting of ministers. Both sides aim to "
    "double refining capacity by 2030. Cooperation includes joint exploration projects, "
    "exchange of geological data and training of mining engineers.\n"
)
COMMITMENTS_URL = "https://www.gov.uk/government/news/uk-japan-critical-minerals"


def commitment_rows(agreement):
    return list(
        agreement.commitments.order_by("id").values_list(
            "text", "kind", "status", "due_on", "due_on_precision", "due_within", "source_url"
        )
    )


@pytest.mark.django_db
def test_proposal_lists_commitments_with_evidence(editor_api):
    """The response's proposal has `commitments` ({text, kind, due, evidence, notes}), each
    evidence item quoting the text; evidence.commitments names each item by its text."""
    response = draft(editor_api, text=COMMITMENTS_RELEASE, published_on="2026-03-02")
    assert response.status_code == 200, response.json()
    body = response.json()
    commitments = body["proposal"]["commitments"]
    assert [(c["kind"], c["due"]) for c in commitments] == [
        ("working_group", {"within": 6, "unit": "months", "from": "signing"}),
        ("meeting", None),
        ("other", {"date": "2030-01-01", "precision": "year"}),
        ("project", None),
        ("information_exchange", None),
        ("other", None),
    ]
    for c in commitments:
        assert set(c) == {"text", "kind", "due", "evidence", "notes"}
        for e in c["evidence"]:
            assert COMMITMENTS_RELEASE[e["start"] : e["end"]] == e["quote"]
    assert "within six months of signing" in [e["quote"] for e in commitments[0]["evidence"]]
    assert {e["value"] for e in body["evidence"]["commitments"]} == {c["text"] for c in commitments}
    assert draft(editor_api).json()["proposal"]["commitments"] == []  # the founding release


@pytest.mark.django_db
def test_save_creates_the_proposed_commitments(editor_api, anon):
    """save: true gives the draft one open commitment per proposal, all parties responsible,
    the release as source and the sentence's words as quote; "within six months of signing"
    counts from the draft's signing date (1 March 2026)."""
    response = draft(
        editor_api,
        text=COMMITMENTS_RELEASE,
        published_on="2026-03-02",
        source_url=COMMITMENTS_URL,
        save=True,
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    agreement = Agreement.objects.get(slug=body["slug"])
    assert agreement.signed_on == datetime.date(2026, 3, 1)
    rows = commitment_rows(agreement)
    assert [r[1] for r in rows] == [c["kind"] for c in body["proposal"]["commitments"]]
    text, kind, status, due_on, precision, within, source = rows[0]
    assert (kind, status, due_on, precision, within, source) == (
        "working_group",
        "open",
        datetime.date(2026, 9, 1),
        "day",
        6,
        COMMITMENTS_URL,
    )
    assert text == body["proposal"]["commitments"][0]["text"]
    assert rows[2][3:5] == (datetime.date(2030, 1, 1), "year")
    assert all(len(r[0]) <= 300 for r in rows)
    assert not any(c.responsible_parties.exists() for c in agreement.commitments.all())

    stored = editor_api.get(body["url"]).json()
    assert [c["kind"] for c in stored["commitments"]] == [r[1] for r in rows]
    assert stored["commitments"][0]["quote"] == rows[0][0]
    listed = editor_api.get("/api/v1/commitments/", {"agreement": body["slug"]}).json()
    assert len(listed["results"]) == len(rows)
    # a draft's commitments are not public
    public = anon.get("/api/v1/commitments/").json()["results"]
    assert not [c for c in public if c["agreement"] == body["slug"]]


@pytest.mark.django_db
def test_save_goes_through_the_commitments_service(editor_api, monkeypatch):
    """Each commitment is written by commitment_save, in the draft's transaction: when one
    write fails, nothing of the draft is kept."""
    from agreements.drafting import views

    calls = []
    real = views.commitment_save

    def spy(**kwargs):
        calls.append(kwargs["data"]["text"])
        return real(**kwargs)

    monkeypatch.setattr(views, "commitment_save", spy)
    response = draft(
        editor_api,
        text=COMMITMENTS_RELEASE,
        published_on="2026-03-02",
        source_url=COMMITMENTS_URL,
        save=True,
    )
    assert response.status_code == 201
    assert len(calls) == 6

    def broken(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(views, "commitment_save", broken)
    before = Agreement.objects.count()
    with pytest.raises(RuntimeError):
        draft(
            editor_api,
            text=COMMITMENTS_RELEASE,
            published_on="2026-03-02",
            source_url=COMMITMENTS_URL + "-2",
            save=True,
        )
    assert Agreement.objects.count() == before


@pytest.mark.django_db
def test_save_without_a_source_url_keeps_no_commitment(editor_api):
    """A commitment's source is the release: without its address none is created, and a
    warning says so."""
    response = draft(editor_api, text=COMMITMENTS_RELEASE, published_on="2026-03-02", save=True)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert Agreement.objects.get(slug=body["slug"]).commitments.count() == 0
    assert body["proposal"]["commitments"] == []
    assert any("commitment(s) not kept" in w for w in body["warnings"])


@pytest.mark.django_db
def test_schema_documents_the_proposed_commitments(anon):
    schema = anon.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    schemas = schema["components"]["schemas"]
    assert "commitments" in schemas["Proposal"]["required"]
    item = schemas["ProposedCommitment"]["properties"]
    assert set(item) == {"text", "kind", "due", "evidence", "notes"}
    assert len(item["due"]["oneOf"]) == 2


@pytest.mark.django_db
def test_admin_preview_highlights_the_commitments(editor_client):
    """The admin page lists each proposed commitment with its kind and due date, and marks
    its words in the release like the other fields."""
    html = preview(
        editor_client, text=COMMITMENTS_RELEASE, published_on="2026-03-02"
    ).content.decode()
    marks = re.findall(
        r'<mark class="evidence" data-start="(\d+)" data-end="(\d+)" data-fields="([^"]*)"'
        r"[^>]*>(.*?)</mark>",
        html,
        re.S,
    )
    marked = "".join(unescape(inner) for *_, fields, inner in marks if "commitments" in fields)
    assert "establish a joint working group" in marked
    assert "exchange of geological data" in marked
    table = unescape(html[html.index('id="evidence-table"') :])
    assert "(working_group, due within 6 months of signing)" in table
    assert "exchange of geological data (information_exchange)" in table
    assert 'data-field="commitments"' in html


@pytest.mark.django_db
def test_admin_add_form_saves_the_proposed_commitments(editor_client, monkeypatch):
    """Open in the add form fills the commitment rows; Save creates them with the draft,
    through the commitments service, relative due dates counted from its signing date."""
    from agreements.commitments import admin as commitments_admin

    calls = []
    real = commitments_admin.commitment_save

    def spy(**kwargs):
        calls.append(kwargs["data"]["text"])
        return real(**kwargs)

    monkeypatch.setattr(commitments_admin, "commitment_save", spy)
    response = preview(
        editor_client,
        text=COMMITMENTS_RELEASE,
        published_on="2026-03-02",
        source_url=COMMITMENTS_URL,
    )
    add = editor_client.get(add_form_url(response))
    formsets = {f.formset.prefix: f.formset for f in add.context["inline_admin_formsets"]}
    rows = formsets["commitments"].forms
    assert [f["kind"].value() for f in rows] == [
        "working_group",
        "meeting",
        "other",
        "project",
        "information_exchange",
        "other",
    ]
    assert rows[0]["due_within"].value() == 6
    assert {f["source_url"].value() for f in rows} == {COMMITMENTS_URL}

    saved = editor_client.post(add_form_url(response), post_data_of(add))
    assert saved.status_code == 302, saved.context and [
        saved.context["adminform"].form.errors,
        [f.formset.errors for f in saved.context["inline_admin_formsets"]],
    ]
    agreement = Agreement.objects.get(slug=add.context["adminform"].form["slug"].value())
    stored = commitment_rows(agreement)
    assert len(calls) == len(stored) == 6
    assert stored[0][1:] == (
        "working_group",
        "open",
        datetime.date(2026, 9, 1),
        "day",
        6,
        COMMITMENTS_URL,
    )
    assert agreement.draft_proposals.get().proposal["commitments"]


@pytest.mark.django_db
def test_admin_add_form_without_a_source_url_has_no_commitment_rows(editor_client):
    response = preview(editor_client, text=COMMITMENTS_RELEASE, published_on="2026-03-02")
    add = editor_client.get(add_form_url(response))
    formsets = {f.formset.prefix: f.formset for f in add.context["inline_admin_formsets"]}
    assert len(formsets["commitments"].forms) == 0
    messages = [str(m) for m in add.context["messages"]]
    assert any("commitment(s) not kept" in m for m in messages)
