"""The public explorer in a real browser, on the shipped catalogue: every page type renders
with no console error and no request to any host but the server, axe-core finds no serious or
critical accessibility violation, the charts are drawn, and the numbers shown are the API's.
Each page type's screenshot goes to docs/images/ (shown in the README).

axe-core comes from the npm registry (explorer/frontend, `npm ci`); without it the test is
skipped, saying so.
"""

import json
import urllib.request
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db.models import Count

from agreements.models import Agreement

from .conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "explorer/frontend/node_modules/axe-core/axe.min.js"


@pytest.fixture
def catalogue(roles):
    """The whole shipped catalogue (the `roles` fixture reloads reference data after a flush)."""
    if Agreement.objects.filter(is_published=True).count() < 50:
        call_command("load_reference_data", stdout=StringIO())


def showcase_agreement() -> str:
    """A published agreement with related instruments and the most claims."""
    return (
        Agreement.objects.filter(is_published=True)
        .annotate(
            claims_n=Count("claims", distinct=True),
            links=Count("related_links", distinct=True) + Count("incoming_links", distinct=True),
        )
        .filter(links__gt=0)
        .order_by("-claims_n", "slug")
        .values_list("slug", flat=True)
        .first()
    )


def page_types():
    return {
        "home": "/",
        "agreement": f"/agreements/{showcase_agreement()}/",
        "party": "/parties/GB/",
        "mineral": "/minerals/lithium/",
        "coverage": "/coverage/?list=uk-2024&party=GB",
        "concentration": "/insights/concentration/?importer=GB",
        "timeline": "/timeline/",
    }


def test_every_page_type_renders_accessibly_from_the_server_alone(
    catalogue, browser_page, live_server
):
    """No console error, no outside request, no serious or critical axe violation, charts
    drawn where the page has one; a screenshot of each."""
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: cd explorer/frontend && npm ci")
    server = urlsplit(live_server.url).netloc
    outside, problems = [], []

    def route(route):
        if urlsplit(route.request.url).netloc == server:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    browser_page.context.route("**/*", route)
    console = []
    browser_page.on(
        "console", lambda m: console.append(m.text) if m.type in ("error", "assert") else None
    )
    browser_page.on("pageerror", lambda e: console.append(f"uncaught: {e}"))

    for name, path in page_types().items():
        console.clear()
        response = browser_page.goto(path)
        assert response.status == 200, f"{name}: {path} → {response.status}"
        browser_page.wait_for_load_state("networkidle")
        charts = browser_page.locator("[data-chart]")
        for i in range(charts.count()):
            chart = charts.nth(i)
            assert "is-drawn" in chart.get_attribute("class"), f"{name}: chart {i} not drawn"
            assert chart.get_attribute("aria-label"), f"{name}: chart {i} has no label"
            assert chart.locator("svg, canvas").count() > 0, f"{name}: chart {i} is empty"
        browser_page.add_script_tag(path=str(AXE))
        result = browser_page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,"
            " target: v.nodes[0].target.join(' ')}))"
        )
        serious = [v for v in result if v["impact"] in ("serious", "critical")]
        if serious:
            problems.append(f"{name}: axe {json.dumps(serious)}")
        if console:
            problems.append(f"{name}: console {console[:5]}")
        if name == "agreement":
            # Provenance on demand: open the sources of the signing date.
            browser_page.locator("dd:has(time) summary").first.click()
        browser_page.screenshot(
            path=str(SCREENSHOTS / f"explorer-{name}.png"), full_page=name == "agreement"
        )

    assert not outside, f"requests to other hosts: {outside[:10]}"
    assert not problems, "\n".join(problems)

    # Keyboard: the skip link is the first stop and moves focus to the main content.
    browser_page.goto("/")
    browser_page.keyboard.press("Tab")
    assert browser_page.evaluate("document.activeElement.className") == "skip-link"
    browser_page.keyboard.press("Enter")
    assert browser_page.evaluate("document.activeElement.id") == "content"

    # A facet link narrows the results to the API's count for the same filter.
    browser_page.get_by_role("link", name="United Kingdom").first.click()
    browser_page.wait_for_url("**/?party=GB")
    shown = int(browser_page.get_by_test_id("result-count").inner_text())
    with urllib.request.urlopen(f"{live_server.url}/api/v1/agreements/?party=GB") as answer:
        assert shown == json.load(answer)["count"]

    # The party page's numbers are the API's.
    browser_page.goto("/parties/GB/")
    with urllib.request.urlopen(f"{live_server.url}/api/v1/parties/GB/") as answer:
        detail = json.load(answer)
    assert (
        int(browser_page.get_by_test_id("agreement-count").inner_text())
        == (detail["agreement_count"])
    )
    for partner in detail["partners"][:5]:
        cell = browser_page.locator(f'td[data-partner="{partner["code"]}"]')
        assert int(cell.inner_text()) == partner["agreement_count"], partner["code"]

    # Filtering the network by mineral (the select applies on change, no button press)
    # leaves the partners of the API's agreements of GB covering lithium.
    browser_page.get_by_label("Mineral", exact=True).select_option("lithium")
    browser_page.wait_for_url("**/parties/GB/?mineral=lithium*")
    url = f"{live_server.url}/api/v1/agreements/?party=GB&mineral=lithium&limit=500"
    with urllib.request.urlopen(url) as answer:
        results = json.load(answer)["results"]
    expected = {p["party"] for a in results for p in a["parties"]} - {"GB"}
    shown = set(
        browser_page.locator("td[data-partner]").evaluate_all(
            "cells => cells.map(c => c.dataset.partner)"
        )
    )
    assert shown == expected
    if expected:
        assert browser_page.locator("[data-chart=network].is-drawn canvas").count() > 0
