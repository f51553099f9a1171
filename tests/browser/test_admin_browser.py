"""The editors' admin in a real browser: recording an agreement from a press release with the
autocomplete widgets and inline rows, the rules shown on the row at fault, publishing, the
public API, the history, search and filters.

The agreement is the US–Japan Critical Minerals Agreement, from the USTR press release of
2023-03-28 (tests/extraction/releases/2023-03-28-us-japan-critical-minerals-agreement.txt).
"""

import json
import re
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from agreements.models import Agreement, Person

from ..factories import UserFactory
from .conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"
SLUG = "japan-us-critical-minerals-agreement-2023"
SOURCE_URL = (
    "https://ustr.gov/about-us/policy-offices/press-office/press-releases/2023/march/"
    "united-states-and-japan-sign-critical-minerals-agreement"
)

# What the editor types, in the API's words: the API must give back exactly this.
RECORD = {
    "slug": SLUG,
    "title": (
        "Agreement Between the Government of Japan and the Government of the United States "
        "of America on Strengthening Critical Minerals Supply Chains"
    ),
    "short_title": "Japan–US Critical Minerals Agreement",
    "kind": "agreement",
    "status": "signed",
    "legally_binding": True,
    "announced_on": "2023-03-28",
    "signed_on": "2023-03-28",
    "effective_on": "2023-03-28",
    "expires_on": None,
    "terminated_on": None,
    "signed_place": "Washington DC",
    "signed_country": "US",
    "summary": (
        "Commits both countries not to impose export duties on critical minerals, to address "
        "non-market policies and to cooperate on labour and environmental standards in "
        "electric-vehicle battery supply chains."
    ),
    "text_url": "https://ustr.gov/sites/default/files/2023-03/US-Japan-CMA.pdf",
    "parties": [
        {"party": "JP", "signed_on": None, "ratified_on": None, "withdrawn_on": None},
        {"party": "US", "signed_on": "2023-03-28", "ratified_on": None, "withdrawn_on": None},
    ],
    "signatures": [
        {
            "person_name": "Katherine Tai",
            "party": "US",
            "office": "United States Trade Representative",
            "role": "signatory",
            "signed_on": "2023-03-28",
        },
        {
            "person_name": "Tomita Koji",
            "party": "JP",
            "office": "Ambassador of Japan to the United States",
            "role": "signatory",
            "signed_on": "2023-03-28",
        },
    ],
    "minerals": [
        {"mineral": "graphite", "stages": ["processing", "trade"], "note": "battery grade"},
        {"mineral": "nickel", "stages": ["mining", "processing", "refining"], "note": ""},
    ],
    "sources": [
        {
            "url": SOURCE_URL,
            "title": "United States and Japan Sign Critical Minerals Agreement",
            "publisher": "Office of the United States Trade Representative",
            "published_on": "2023-03-28",
            "kind": "press_release",
            "language": "en",
        }
    ],
    "related": [],
    "is_published": False,
}


# --- helpers ---------------------------------------------------------------------------------


def login(page: Page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text(username.upper(), ignore_case=True)


def pick(page: Page, select_id: str, search: str, choice: str | None = None) -> None:
    """Choose in a select2 autocomplete widget: click it, type, pick the matching result."""
    page.locator(f"#{select_id} + .select2").click()
    field = page.locator(".select2-container--open .select2-search__field")
    field.fill(search)
    option = page.locator(".select2-results__option", has_text=choice or search).first
    expect(option).to_be_visible()
    option.click()
    expect(page.locator(f"#{select_id} + .select2 .select2-selection__rendered")).to_contain_text(
        choice or search
    )


def add_row(page: Page, prefix: str) -> int:
    """Click the inline's "Add another …" link; returns the new row's index."""
    index = page.locator(f"#{prefix}-group tr.form-row.dynamic-{prefix}").count()
    page.locator(f"#{prefix}-group .add-row a").click()
    expect(page.locator(f"#{prefix}-{index}")).to_be_visible()
    return index


def fill_agreement(page: Page, record: dict) -> None:
    """The main form, as an editor copies it from the release."""
    page.fill("#id_title", record["title"])
    page.fill("#id_short_title", record["short_title"])
    page.fill("#id_slug", record["slug"])
    page.select_option("#id_kind", record["kind"])
    page.select_option("#id_status", record["status"])
    page.select_option("#id_legally_binding", "true" if record["legally_binding"] else "false")
    for name in ("announced_on", "signed_on", "effective_on"):
        page.fill(f"#id_{name}", record[name] or "")
    page.fill("#id_signed_place", record["signed_place"])
    pick(page, "id_signed_country", "United States", "United States (US)")
    page.fill("#id_summary", record["summary"])
    page.fill("#id_text_url", record["text_url"])


PARTY_NAMES = {"JP": "Japan (JP)", "US": "United States (US)", "FR": "France (FR)"}


def add_party(page: Page, code: str, signed_on: str | None = None) -> None:
    i = add_row(page, "agreement_parties")
    pick(
        page, f"id_agreement_parties-{i}-party", PARTY_NAMES[code].split(" (")[0], PARTY_NAMES[code]
    )
    if signed_on:
        page.fill(f"#id_agreement_parties-{i}-signed_on", signed_on)


def api_get(live_server, path: str):
    """An anonymous GET: (status, JSON body)."""
    try:
        with urllib.request.urlopen(live_server.url + path) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def saved_message(page: Page) -> None:
    expect(page.locator("ul.messagelist li.success")).to_be_visible()


@pytest.fixture
def people(roles):
    """Katherine Tai is already in the people table; Tomita Koji is not."""
    Person.objects.create(name="Katherine Tai", slug="katherine-tai")


@pytest.fixture
def eddie(roles):
    return UserFactory(username="eddie", groups=["editors"], first_name="Eddie", last_name="Ed")


@pytest.fixture
def pat(roles):
    return UserFactory(username="pat", groups=["publishers"], first_name="Pat", last_name="Pub")


# --- tests -----------------------------------------------------------------------------------


def test_agreement_from_press_release_to_published_record(
    browser_page: Page, live_server, people, eddie, pat
):
    """An editor records a release as a draft the public cannot see; a publisher publishes it;
    the public API then shows every field as typed; the history names both; search and the
    mineral filter find it."""
    page = browser_page
    login(page, "eddie")
    page.goto("/admin/agreements/agreement/add/")
    fill_agreement(page, RECORD)

    add_party(page, "JP")
    add_party(page, "US", signed_on="2023-03-28")

    # An existing person, found with the autocomplete.
    i = add_row(page, "signatures")
    pick(page, f"id_signatures-{i}-person", "Tai", "Katherine Tai")
    pick(page, f"id_signatures-{i}-party", "United States", "United States (US)")
    page.fill(f"#id_signatures-{i}-office", "United States Trade Representative")
    # A new person, created on the fly in the "+" popup.
    i = add_row(page, "signatures")
    with page.expect_popup() as popup_info:
        page.click(f"#add_id_signatures-{i}-person")
    popup = popup_info.value
    popup.locator("#id_name").press_sequentially("Tomita Koji")
    expect(popup.locator("#id_slug")).to_have_value("tomita-koji")
    with popup.expect_event("close"):
        popup.click("input[name=_save]")
    expect(
        page.locator(f"#id_signatures-{i}-person + .select2 .select2-selection__rendered")
    ).to_contain_text("Tomita Koji")
    pick(page, f"id_signatures-{i}-party", "Japan", "Japan (JP)")
    page.fill(f"#id_signatures-{i}-office", "Ambassador of Japan to the United States")

    for row in RECORD["minerals"]:
        i = add_row(page, "agreement_minerals")
        pick(page, f"id_agreement_minerals-{i}-mineral", row["mineral"].title())
        for stage in row["stages"]:
            page.check(f"input[name='agreement_minerals-{i}-stages'][value='{stage}']")
        page.fill(f"#id_agreement_minerals-{i}-note", row["note"])

    source = RECORD["sources"][0]
    i = add_row(page, "sources")
    page.fill(f"#id_sources-{i}-url", source["url"])
    page.fill(f"#id_sources-{i}-title", source["title"])
    page.fill(f"#id_sources-{i}-publisher", source["publisher"])
    page.fill(f"#id_sources-{i}-published_on", source["published_on"])
    page.select_option(f"#id_sources-{i}-kind", source["kind"])
    page.fill(f"#id_sources-{i}-language", source["language"])

    # Editors cannot publish: the field is read-only for them.
    expect(page.locator("#id_is_published")).to_have_count(0)
    page.click("input[name=_continue]")
    saved_message(page)
    agreement = Agreement.objects.get(slug=SLUG)
    assert not agreement.is_published
    page.screenshot(path=str(SCREENSHOTS / "admin-change-form.png"), full_page=True)

    # A draft: invisible to the anonymous API, in details and in lists.
    status, body = api_get(live_server, f"/api/v1/agreements/{SLUG}/")
    assert status == 404, body
    status, body = api_get(live_server, "/api/v1/agreements/?limit=500")
    assert status == 200
    assert SLUG not in [a["slug"] for a in body["results"]]

    # The publisher publishes it from the list.
    login(page, "pat")
    page.goto("/admin/agreements/agreement/")
    page.check(f"input[name=_selected_action][value='{agreement.pk}']")
    page.select_option("select[name=action]", "publish")
    page.click("button[name=index]")
    expect(page.locator("ul.messagelist li.success")).to_contain_text("Published 1 agreement")
    agreement.refresh_from_db()
    assert agreement.is_published

    # The public API now shows it, with every field the editor typed.
    status, body = api_get(live_server, f"/api/v1/agreements/{SLUG}/")
    assert status == 200, body
    expected = dict(RECORD, is_published=True)
    for field, value in expected.items():
        if field == "signatures":
            got = [
                {k: s[k] for k in ("person_name", "party", "office", "role", "signed_on")}
                for s in sorted(body["signatures"], key=lambda s: s["person_name"])
            ]
            assert got == value, field
            assert "tomita-koji" in [s["person"] for s in body["signatures"]]
        elif field == "parties":
            got = [
                {k: p[k] for k in ("party", "signed_on", "ratified_on", "withdrawn_on")}
                for p in sorted(body["parties"], key=lambda p: p["party"])
            ]
            assert got == value, field
        elif field == "minerals":
            got = [
                {k: m[k] for k in ("mineral", "stages", "note")}
                for m in sorted(body["minerals"], key=lambda m: m["mineral"])
            ]
            assert got == value, field
        else:
            assert body[field] == value, field
    status, body = api_get(live_server, "/api/v1/agreements/?limit=500")
    assert SLUG in [a["slug"] for a in body["results"]]

    # The history names both saves and who made them.
    page.goto(f"/admin/agreements/agreement/{agreement.pk}/history/")
    entries = page.locator("#change-history tr.history-entry")
    expect(entries).to_have_count(2)
    expect(entries.nth(0).locator(".history-user")).to_contain_text("pat")
    expect(entries.nth(0)).to_contain_text("is published: no → yes")
    expect(entries.nth(1).locator(".history-user")).to_contain_text("eddie")
    expect(entries.nth(1)).to_contain_text("Created agreement")
    expect(entries.nth(1)).to_contain_text("Added signature of Tomita Koji (signatory)")
    expect(entries.nth(1)).to_contain_text("Added mineral Graphite")

    # Search by a signatory's name, then the mineral filter.
    page.goto("/admin/agreements/agreement/")
    page.fill("#searchbar", "Tomita")
    page.press("#searchbar", "Enter")
    results = page.locator("#result_list tbody tr")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text(RECORD["short_title"])

    page.goto("/admin/agreements/agreement/")
    filter_panel = page.locator("#changelist-filter")
    filter_panel.locator("details", has_text="By mineral").locator("a", has_text="Nickel").click()
    expect(page).to_have_url(re.compile(r"mineral=nickel"))
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text(RECORD["short_title"])
    expect(results.first.locator("td.field-party_codes")).to_have_text("JP, US")

    page.goto("/admin/agreements/agreement/")
    page.screenshot(path=str(SCREENSHOTS / "admin-changelist.png"), full_page=True)


def test_signatory_of_a_non_party_is_refused_on_its_row(browser_page: Page, people, eddie):
    """A signatory for France on a Japan–US agreement: the error is on that signature's row,
    and nothing is saved (no agreement, no party rows)."""
    page = browser_page
    login(page, "eddie")
    page.goto("/admin/agreements/agreement/add/")
    fill_agreement(page, RECORD)
    add_party(page, "JP")
    add_party(page, "US")
    i = add_row(page, "signatures")
    pick(page, f"id_signatures-{i}-person", "Tai", "Katherine Tai")
    pick(page, f"id_signatures-{i}-party", "France", "France (FR)")
    count = Agreement.objects.count()
    page.click("input[name=_save]")

    expect(page.locator("p.errornote")).to_be_visible()
    error = page.locator(f"#signatures-{i} td.field-party ul.errorlist")
    expect(error).to_contain_text("FR is not a party to this agreement")
    expect(page.locator("#agreement_parties-group ul.errorlist")).to_have_count(0)
    assert Agreement.objects.count() == count
    assert not Agreement.objects.filter(slug=SLUG).exists()

    # The row keeps what the editor typed, so correcting it is one change.
    pick(page, f"id_signatures-{i}-party", "United States", "United States (US)")
    page.click("input[name=_save]")
    saved_message(page)
    assert Agreement.objects.get(slug=SLUG).signatures.get().party.code == "US"
