"""The extractor measured on real use: proposals kept for drafts created from releases, and
field-by-field reviews when those drafts are published (API, admin form and admin action),
the --from-history scores and the publishers' admin page; the evaluation command over
several folders; and every development release through the API and the admin page."""

import datetime
import hashlib
import json
import re
import shutil
from html import unescape
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from agreements.drafting.proposals import compare, history_scores
from agreements.drafting.runner import vocabulary_from_db
from agreements.extraction.extractor import extract
from agreements.models import Agreement, DraftProposal

from ..factories import UserFactory
from .test_drafting import (
    FOUNDING,
    PAGE,
    RELEASES,
    SOURCE_URL,
    URL,
    add_form_url,
    draft,
    post_data_of,
    preview,
)

DEV_RELEASES = sorted(p.stem for p in RELEASES.glob("*.json"))


def saved_draft(editor_api) -> Agreement:
    response = draft(editor_api, save=True, source_url=SOURCE_URL, publisher="DBT")
    assert response.status_code == 201, response.json()
    return Agreement.objects.get(slug=response.json()["slug"])


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def publisher_client(client, publisher):
    client.force_login(publisher)
    return client


# --- proposals kept ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_save_keeps_the_proposal(editor_api, editor):
    """save: true stores the extractor's own proposal (before the fixes that made it
    saveable), the hash of the release and who drafted it; nothing is reviewed yet."""
    agreement = saved_draft(editor_api)
    (kept,) = agreement.draft_proposals.all()
    assert kept.source == "api"
    assert kept.created_by == editor
    assert kept.text_sha256 == hashlib.sha256(FOUNDING.encode()).hexdigest()
    assert kept.reviewed_at is None and kept.review == {}
    expected = extract(FOUNDING, datetime.date(2026, 2, 5), vocabulary_from_db(), SOURCE_URL, "DBT")
    assert kept.proposal == json.loads(json.dumps(expected.proposal))


@pytest.mark.django_db
def test_api_preview_keeps_nothing(editor_api):
    assert draft(editor_api).status_code == 200
    assert not DraftProposal.objects.exists()


@pytest.mark.django_db
def test_publishing_records_what_the_editors_kept_changed_added_removed(
    editor_api, publisher_api, django_capture_on_commit_callbacks
):
    """The editors change the place, drop a signatory and add a mineral; publication (API)
    records it field by field, once. (Dropping a row needs the delete permission, so the
    publisher makes the edit.)"""
    agreement = saved_draft(editor_api)
    url = f"/api/v1/agreements/{agreement.slug}/"
    record = editor_api.get(url).json()
    signatures = [s for s in record["signatures"] if s["person_name"] != "Jacob Helberg"]
    for s in signatures:
        s.pop("person_name", None)
    changes = {
        "signed_place": "Washington",
        "signatures": signatures,
        "minerals": [{"mineral": "lithium", "stages": [], "note": ""}],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = publisher_api.patch(url, changes, format="json")
    assert response.status_code == 200, response.json()
    assert DraftProposal.objects.get().reviewed_at is None  # a draft is not reviewed
    with django_capture_on_commit_callbacks(execute=True):
        response = publisher_api.patch(url, {"is_published": True}, format="json")
    assert response.status_code == 200, response.json()

    review = DraftProposal.objects.get().review
    assert review["parties"] == {"kept": 2, "changed": 0, "added": 0, "removed": 0} | {
        "tp": 2,
        "fp": 0,
        "fn": 0,
    }
    assert review["signed_on"]["kept"] == 1
    assert review["kind"]["kept"] == 1
    assert review["signed_place"] == {
        "kept": 0,
        "changed": 1,
        "added": 0,
        "removed": 0,
        "tp": 0,
        "fp": 1,
        "fn": 1,
    }
    assert (review["signatories"]["kept"], review["signatories"]["removed"]) == (1, 1)
    assert (review["minerals"]["added"], review["minerals"]["fn"]) == (1, 1)

    reviewed_at = DraftProposal.objects.get().reviewed_at
    with django_capture_on_commit_callbacks(execute=True):
        publisher_api.patch(url, {"signed_place": "Washington DC"}, format="json")
    assert DraftProposal.objects.get().reviewed_at == reviewed_at  # first publication only


def test_compare_scalars_and_lists():
    proposal = {
        "parties": [{"party": "GB"}, {"party": "FR"}],
        "signed_on": None,
        "signed_place": "Paris",
        "kind": "agreement",
        "signatures": [{"person": "A B", "party": "GB", "office": "Minister", "role": "witness"}],
        "minerals": [],
    }
    facts = {
        "parties": ["GB", "US"],
        "signed_on": "2026-01-01",
        "signed_place": None,
        "kind": "agreement",
        "signatories": [{"name": "A B", "party": "GB", "office": "Minister"}],
        "minerals": ["lithium"],
    }
    review = compare(proposal, facts)
    assert (review["parties"]["kept"], review["parties"]["added"]) == (1, 1)
    assert review["parties"]["removed"] == 1
    assert review["signed_on"]["added"] == 1 and review["signed_on"]["fn"] == 1
    assert review["signed_place"]["removed"] == 1 and review["signed_place"]["fp"] == 1
    assert review["kind"]["kept"] == 1
    assert review["signatories"]["added"] == 1  # a witness proposed is not a signatory
    assert review["minerals"]["added"] == 1


@pytest.mark.django_db
def test_admin_add_form_keeps_the_proposal_and_the_action_reviews_it(
    editor_client, client, publisher, django_capture_on_commit_callbacks
):
    """Preview, add form, Save: the proposal is kept (source admin) and the link is used
    up; the publish action on the changelist then reviews it."""
    response = preview(editor_client, source_url=SOURCE_URL, publisher="DBT")
    link = add_form_url(response)
    add = editor_client.get(link)
    saved = editor_client.post(link, post_data_of(add))
    assert saved.status_code == 302
    agreement = Agreement.objects.get(slug=add.context["adminform"].form["slug"].value())
    (kept,) = agreement.draft_proposals.all()
    assert kept.source == "admin" and kept.created_by.username == "eddie"
    assert kept.text_sha256 == hashlib.sha256(FOUNDING.encode()).hexdigest()
    token = re.search(r"draft=(\w+)", link).group(1)
    assert token not in editor_client.session.get("agreements.drafts_from_text", {})

    client.force_login(publisher)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:agreements_agreement_changelist"),
            {"action": "publish", "_selected_action": [agreement.pk]},
        )
    assert response.status_code == 302
    kept.refresh_from_db()
    assert kept.reviewed_at is not None
    assert kept.review["parties"]["kept"] == 2
    assert kept.review["signatories"]["kept"] == 2


@pytest.mark.django_db
def test_add_form_without_a_release_keeps_no_proposal(editor_client):
    response = editor_client.get(reverse("admin:agreements_agreement_add"))
    assert response.status_code == 200
    assert not DraftProposal.objects.exists()


def _published_with_review(review: dict) -> DraftProposal:
    from ..factories import AgreementFactory

    agreement = AgreementFactory()
    return DraftProposal.objects.create(
        agreement=agreement,
        proposal={},
        text_sha256="0" * 64,
        source="api",
        reviewed_at=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC),
        review=review,
    )


def _review(**fields) -> dict:
    base = {"kept": 0, "changed": 0, "added": 0, "removed": 0, "tp": 0, "fp": 0, "fn": 0}
    return {name: base | values for name, values in fields.items()}


@pytest.mark.django_db
def test_from_history_prints_precision_and_recall(ref):
    _published_with_review(
        _review(
            parties={"kept": 2, "tp": 2},
            signed_place={"changed": 1, "fp": 1, "fn": 1},
            signatories={"kept": 1, "removed": 1, "tp": 1, "fp": 1},
        )
    )
    _published_with_review(
        _review(
            parties={"kept": 1, "added": 1, "tp": 1, "fn": 1}, signed_place={"kept": 1, "tp": 1}
        )
    )
    scores = history_scores()
    assert scores["count"] == 2
    assert scores["fields"]["parties"]["recall"] == pytest.approx(0.75)
    assert scores["fields"]["signed_place"]["precision"] == pytest.approx(0.5)
    out = StringIO()
    call_command("evaluate_extraction", "--from-history", stdout=out)
    lines = out.getvalue().splitlines()
    rows = {line.split()[0]: line.split() for line in lines if line.split()}
    assert rows["field"][1:3] == ["precision", "recall"]
    assert rows["parties"][1:3] == ["1.00", "0.75"]
    assert rows["signed_place"][1:3] == ["0.50", "0.50"]
    assert rows["signatories"][1:3] == ["0.50", "1.00"]
    assert "published drafts reviewed: 2" in out.getvalue()


@pytest.mark.django_db
def test_publishers_see_the_accuracy_editors_do_not(publisher_client, client, ref):
    _published_with_review(_review(kind={"kept": 1, "tp": 1}, minerals={"added": 2, "fn": 2}))
    url = reverse("admin:agreements_draftproposal_changelist")
    response = publisher_client.get(url)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    table = html[html.index('id="extraction-accuracy"') :]
    assert "1 published draft)" in table
    assert re.search(r"<td>minerals</td><td>1.00</td>\s*<td>0.00</td>", table)
    assert "0 / 0 / 2 / 0" in html or "1 / 0 / 2 / 0" in html
    client.force_login(UserFactory(username="eddie2", groups=["editors"]))
    assert client.get(url).status_code == 403


# --- evaluation over several folders -----------------------------------------------------


@pytest.mark.django_db
def test_evaluate_several_folders_side_by_side_and_blind_misses_hidden(ref, tmp_path):
    """Two folders print side by side; the misses of a folder named blind are withheld
    unless --show-misses is given."""
    blind = tmp_path / "blind"
    blind.mkdir()
    for name in (
        "2026-02-05-uk-us-critical-minerals-mou",
        "2023-03-28-us-japan-critical-minerals-agreement",
    ):
        for suffix in (".txt", ".json"):
            shutil.copy(RELEASES / f"{name}{suffix}", blind / f"{name}{suffix}")
    # make one blind release miss: expect a place the text does not give
    meta_path = blind / "2023-03-28-us-japan-critical-minerals-agreement.json"
    meta = json.loads(meta_path.read_text())
    meta["expected"]["signed_place"] = "Osaka"
    meta_path.write_text(json.dumps(meta))

    out = StringIO()
    call_command("evaluate_extraction", str(RELEASES), str(blind), stdout=out)
    text = out.getvalue()
    lines = text.splitlines()
    assert lines[0].split()[:3] == ["releases", f"({len(DEV_RELEASES)}", "releases)"]
    assert "blind (2 releases)" in lines[0]
    assert lines[1].split() == ["field"] + ["precision", "recall", "tp", "fp", "fn"] * 2
    place = next(line for line in lines if line.startswith("signed_place")).split()
    assert place[6:] == ["0.50", "0.50", "1", "1", "1"]  # blind: one right, one wrong
    assert "2023-03-28-us-japan" not in text
    assert "blind: misses not shown" in text

    out = StringIO()
    call_command("evaluate_extraction", str(RELEASES), str(blind), "--show-misses", stdout=out)
    assert "2023-03-28-us-japan-critical-minerals-agreement: signed_place" in out.getvalue()


# --- every development release through the API and the admin page ---------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", DEV_RELEASES)
def test_every_dev_release_through_the_api_and_the_admin(editor_api, editor_client, name):
    """Each development release: the endpoint returns the extractor's proposal for it (with
    the database's vocabulary), every evidence span quotes the text, and the admin page
    previews it and opens the add form."""
    text = (RELEASES / f"{name}.txt").read_text(encoding="utf-8")
    meta = json.loads((RELEASES / f"{name}.json").read_text(encoding="utf-8"))
    response = editor_api.post(
        URL,
        {
            "text": text,
            "published_on": meta["published_on"],
            "source_url": meta["source_url"],
            "publisher": meta["publisher"],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    expected = extract(
        text,
        datetime.date.fromisoformat(meta["published_on"]),
        vocabulary_from_db(),
        source_url=meta["source_url"],
        publisher=meta["publisher"],
    )
    assert body["proposal"] == json.loads(json.dumps(expected.proposal))
    for field, items in body["evidence"].items():
        for item in items:
            assert text[item["start"] : item["end"]] == item["quote"], field

    page = editor_client.post(
        PAGE,
        {"text": text, "published_on": meta["published_on"], "publisher": meta["publisher"]},
    )
    assert page.status_code == 200
    assert page.context["extraction"]["proposal"] == body["proposal"] | {
        "sources": page.context["extraction"]["proposal"]["sources"]
    }
    add = editor_client.get(add_form_url(page))
    assert add.status_code == 200
    assert not Agreement.objects.filter(title=body["proposal"]["title"] or "-").exists()


# --- commitments in the review --------------------------------------------------------------


def _commitment(text, kind, due=None):
    return {"text": text, "kind": kind, "due": due, "evidence": [], "notes": []}


def test_compare_commitments_by_text_and_kind():
    """A proposed commitment published with most of its words is kept (same kind) or
    changed (another kind); one not published is removed, one published but not proposed
    added. A proposal made before commitments were extracted is not scored on them."""
    proposal = {
        "parties": [],
        "signed_on": None,
        "signed_place": "",
        "kind": None,
        "signatures": [],
        "minerals": [],
        "commitments": [
            _commitment("The two sides will establish a joint working group", "working_group"),
            _commitment("exchange of geological data", "information_exchange"),
            _commitment("training of mining engineers", "other"),
        ],
    }
    facts = {
        "parties": [],
        "signed_on": None,
        "signed_place": None,
        "kind": None,
        "signatories": [],
        "minerals": [],
        "commitments": [
            {"text": "establish a joint working group", "kind": "working_group", "due": None},
            {"text": "Exchange of geological data and maps", "kind": "project", "due": None},
            {"text": "A ministerial meeting every year", "kind": "meeting", "due": None},
        ],
    }
    review = compare(proposal, facts)["commitments"]
    assert review == {
        "kept": 1,
        "changed": 1,
        "added": 1,
        "removed": 1,
        "tp": 1,
        "fp": 2,
        "fn": 2,
    }
    del proposal["commitments"]
    assert compare(proposal, facts)["commitments"]["fn"] == 0


@pytest.mark.django_db
def test_publishing_reviews_the_commitments_editors_kept(
    editor_api, publisher_api, django_capture_on_commit_callbacks
):
    """A draft saved with its proposed commitments: the publisher changes one's kind and
    deletes another before publishing; the review counts them changed and removed, the
    rest kept, and --from-history adds them up."""
    from .test_drafting import COMMITMENTS_RELEASE, COMMITMENTS_URL

    response = draft(
        editor_api,
        text=COMMITMENTS_RELEASE,
        published_on="2026-03-02",
        source_url=COMMITMENTS_URL,
        save=True,
    )
    assert response.status_code == 201, response.json()
    agreement = Agreement.objects.get(slug=response.json()["slug"])
    first, second, *rest = agreement.commitments.order_by("id")
    url = "/api/v1/commitments/{}/"
    assert (
        publisher_api.patch(url.format(first.key), {"kind": "review"}, format="json").status_code
        == 200
    )
    assert publisher_api.delete(url.format(second.key)).status_code == 204
    with django_capture_on_commit_callbacks(execute=True):
        published = publisher_api.patch(
            f"/api/v1/agreements/{agreement.slug}/", {"is_published": True}, format="json"
        )
    assert published.status_code == 200, published.json()
    review = DraftProposal.objects.get(agreement=agreement).review["commitments"]
    assert review == {
        "kept": len(rest),
        "changed": 1,
        "added": 0,
        "removed": 1,
        "tp": len(rest),
        "fp": 2,
        "fn": 1,
    }
    scores = history_scores()["fields"]["commitments"]
    assert (scores["tp"], scores["changed"], scores["removed"]) == (len(rest), 1, 1)
