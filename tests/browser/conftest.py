"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

They run on PostgreSQL only (the CI's second pass) and need /usr/bin/chromium; elsewhere they
are skipped, saying why. `playwright install` is never used: the browser is the system one.
"""

import importlib
import os
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "images"


def skip_reason() -> str | None:
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        return (
            f"browser tests run on PostgreSQL only (set DATABASE_URL=postgres://...); "
            f"the test database is {engine}"
        )
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: apt-get install chromium (.ci/setup.d/10-chromium.sh)"
    try:
        importlib.import_module("playwright.sync_api")
    except ImportError:
        return "playwright is not installed: pip install -e '.[dev]'"
    return None


def pytest_collection_modifyitems(config, items):
    reason = skip_reason()
    if reason is None:
        return
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=reason))


def restore_groups_and_reference_data():
    """A transactional test ends with a flush, which empties every table; post_migrate puts
    back content types and permissions but not the editor and publisher groups (a data
    migration) nor the reference data. Put them back for the tests that follow."""
    from django.apps import apps as global_apps
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    if global_apps.get_model("auth", "Group").objects.filter(name="editors").exists():
        return
    migration = importlib.import_module("agreements.migrations.0003_groups_and_search_index")
    state = MigrationExecutor(connection).loader.project_state(
        ("agreements", "0003_groups_and_search_index")
    )
    migration.create_groups(state.apps, None)
    # Later migrations widen the groups' permissions; a flush undid those grants too.
    for module, function in (
        ("0006_date_precision_claims_catalogue", "grant_claim_permissions"),
        ("0007_draft_proposals", "let_publishers_view"),
    ):
        grant = getattr(importlib.import_module(f"agreements.migrations.{module}"), function)
        grant(global_apps, None)
    call_command("load_reference_data", agreements="founding", stdout=StringIO())


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After the last browser test's flush (the database fixture's teardown), put back what
    the tests that follow expect; between browser tests the `roles` fixture does it."""
    yield
    if "browser" not in item.keywords or skip_reason() is not None:
        return
    # pytest-django runs transactional tests last; after the very last one the test
    # database is already gone.
    if nextitem is None or "browser" in nextitem.keywords:
        return
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        restore_groups_and_reference_data()


@pytest.fixture(scope="module")
def chromium():
    """One browser per test module. While Playwright runs, its sync API keeps an event loop
    in this thread, so Django would refuse the (synchronous, safe) ORM calls of the tests'
    fixtures and assertions; DJANGO_ALLOW_ASYNC_UNSAFE is set for that time only, so that it
    never reaches other tests (`check --deploy` rightly warns about it)."""
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def roles(transactional_db, django_db_blocker):
    """The editor and publisher groups, present even after an earlier test's flush."""
    restore_groups_and_reference_data()


@pytest.fixture
def browser_page(chromium, live_server):
    """A fresh browser context (no cookies) on the live server, English, a laptop screen."""
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 1360, "height": 900}, locale="en-GB"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()
