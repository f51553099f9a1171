"""Shared fixtures: reference data, users of each role, API clients."""

from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from knox.models import AuthToken
from rest_framework.test import APIClient

from agreements.models import Party

from .factories import UserFactory


def load_reference_data():
    call_command("load_reference_data", agreements="founding", stdout=StringIO())


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgresql`` need PostgreSQL features: skip them, saying why, elsewhere."""
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" in engine:
        return
    skip = pytest.mark.skip(
        reason=f"needs PostgreSQL (DATABASE_URL=postgres://...); the test database is {engine}"
    )
    for item in items:
        if "postgresql" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fresh_cache_and_fast_hasher(settings):
    """Throttle counters and cached responses never leak from one test into the next, and
    password hashing does not dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the shipped reference data."""
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture
def ref(db):
    """Reference data present (reloaded if a transactional test flushed it)."""
    if not Party.objects.filter(code="GB").exists():
        load_reference_data()


@pytest.fixture
def editor(ref):
    return UserFactory(username="eddie", groups=["editors"])


@pytest.fixture
def publisher(ref):
    return UserFactory(username="pat", groups=["publishers"])


@pytest.fixture
def outsider(ref):
    """Authenticated, but in no group: may read what the public reads, nothing more."""
    return UserFactory(username="olive", is_staff=False)


def token_client(user) -> APIClient:
    _, key = AuthToken.objects.create(user=user, expiry=None)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def anon(ref):
    return APIClient()


@pytest.fixture
def editor_api(editor):
    return token_client(editor)


@pytest.fixture
def publisher_api(publisher):
    return token_client(publisher)


@pytest.fixture
def outsider_api(outsider):
    return token_client(outsider)
