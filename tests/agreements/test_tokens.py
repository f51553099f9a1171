"""API keys: created by `manage.py create_api_token`, stored only as digests, revocable."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from rest_framework.test import APIClient

from ..factories import UserFactory
from .fixtures import assert_error

URL = "/api/v1/agreements/"


def create_key(username: str) -> str:
    out = StringIO()
    call_command("create_api_token", username, stdout=out, stderr=StringIO())
    return out.getvalue().strip().splitlines()[-1]


def client_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def database_contains(text: str) -> list[str]:
    """Every table and column whose stored text contains ``text`` (a scan of the database)."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, memoryview | bytes):
                        value = bytes(value).decode("latin-1")
                    if value is not None and text in str(value):
                        found.append(f"{table}.{column}")
    return found


@pytest.fixture
def editor_user(ref):
    return UserFactory(username="keyholder", groups=["editors"])


def test_created_key_authenticates_and_is_not_stored(editor_user):
    """The printed key authenticates as its user, and appears nowhere in the database."""
    key = create_key("keyholder")
    assert len(key) >= 32
    response = client_with(key).post(
        URL,
        {"title": "Key test", "kind": "other", "status": "planned"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["title"] == "Key test"
    assert database_contains(key) == []
    assert database_contains(key[15:]) == []  # not even the secret part after knox's prefix


def test_scan_finds_what_is_stored(editor_user):
    """The database scan does find text that is stored (so the test above can fail)."""
    assert "auth_user.username" in database_contains("keyholder")


def test_revoke_makes_the_key_401(editor_user):
    """--revoke revokes every key of the user: requests with it get 401."""
    key = create_key("keyholder")
    assert client_with(key).get(URL).status_code == 200
    out = StringIO()
    call_command("create_api_token", "keyholder", "--revoke", stdout=out)
    assert "Revoked 1 key(s)" in out.getvalue()
    assert_error(client_with(key).get(URL), 401, None)


def test_deleting_the_token_makes_the_key_401(editor_user):
    """Deleting the stored token (as the admin does) ends the key."""
    from knox.models import AuthToken

    key = create_key("keyholder")
    AuthToken.objects.filter(user=editor_user).delete()
    assert_error(client_with(key).get(URL), 401, None)


@pytest.mark.parametrize(
    "header",
    ["Token not-a-real-key", "Token ", "Token a b", "Bearer abc", "Token " + "x" * 5000],
)
def test_bad_credentials_are_401(ref, header):
    """A wrong, empty or malformed key is a 401 in the error shape, not anonymous access."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(URL)
    if header.startswith("Bearer"):
        assert response.status_code == 200  # not our scheme: the request is anonymous
    else:
        assert_error(response, 401, None)


def test_unknown_or_inactive_user_gets_no_key(editor_user):
    """No key for a user who does not exist or is inactive."""
    with pytest.raises(CommandError):
        create_key("nobody-here")
    editor_user.is_active = False
    editor_user.save()
    with pytest.raises(CommandError):
        create_key("keyholder")


def test_two_keys_are_different_and_independent(editor_user):
    """Each run prints a new key; both work until revoked."""
    first, second = create_key("keyholder"), create_key("keyholder")
    assert first != second
    assert client_with(first).get(URL).status_code == 200
    assert client_with(second).get(URL).status_code == 200
