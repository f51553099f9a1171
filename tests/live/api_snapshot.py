"""Print every list page and every detail of the API, with status and ETag, as JSON.

Run under the project's settings against one database, for an anonymous client and for
the user named in SNAPSHOT_USER (if any); two databases holding the same data print the same
snapshot. Usage: DATABASE_URL=... python tests/live/api_snapshot.py > snapshot.json
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Requests come from the test client (host "testserver"), whatever the deployment allows.
os.environ["ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402
from rest_framework.throttling import SimpleRateThrottle  # noqa: E402

SimpleRateThrottle.THROTTLE_RATES = {"anon": None, "user": None}
COLLECTIONS = {
    "agreements": "slug",
    "parties": "code",
    "people": "slug",
    "minerals": "slug",
    "mineral-lists": "slug",
}


def snapshot(client) -> dict:
    out = {}

    def get(url):
        response = client.get(url, SERVER_NAME="testserver")
        out[url] = {
            "status": response.status_code,
            "etag": response.get("ETag"),
            "body": response.json() if response.status_code != 304 else None,
        }
        return out[url]["body"]

    for path, key in COLLECTIONS.items():
        url = f"/api/v1/{path}/?limit=500"
        while url:
            page = get(url)
            for item in page["results"]:
                get(f"/api/v1/{path}/{item[key]}/")
                if path == "agreements":
                    get(f"/api/v1/agreements/{item[key]}/history/")
            url = page["next"] and page["next"].replace("http://testserver", "")
    cursor = 0
    while True:
        page = get(f"/api/v1/changes/?since={cursor}&limit=1000")
        if not page["results"]:
            break
        cursor = page["cursor"]
    return out


def main():
    result = {"anonymous": snapshot(APIClient())}
    username = os.environ.get("SNAPSHOT_USER")
    if username:
        client = APIClient()
        client.force_authenticate(get_user_model().objects.get(username=username))
        result[username] = snapshot(client)
    json.dump(result, sys.stdout, sort_keys=True)


if __name__ == "__main__":
    main()
