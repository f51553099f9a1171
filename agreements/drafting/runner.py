"""Running the press-release extractor for a request: the database's parties, minerals and
people as its vocabulary (rebuilt once per data version), in a child process stopped when
the time budget DRAFT_TIME_LIMIT is spent."""

from __future__ import annotations

import datetime
import multiprocessing
import threading
from typing import Any

import pycountry
from django.conf import settings
from django.db.models import F
from rest_framework import serializers, status
from rest_framework.exceptions import APIException

from agreements.extraction.context import Extraction
from agreements.extraction.extractor import extract
from agreements.extraction.gazetteer import gazetteer
from agreements.extraction.vocabulary import Vocabulary, _pycountry_names
from agreements.models import (
    Party,
    PartyKind,
    Person,
    Signature,
)
from config.api.data_version import data_version
from minerals.models import Mineral, MineralAlias

# A press release is a few thousand characters (the longest of the development set is 3 400);
# the cap leaves room for long ones with annexes and refuses what is not a release.
MAX_TEXT_CHARS = 20_000

# ---------------------------------------------------------------------------
# Vocabulary from the database
# ---------------------------------------------------------------------------

_vocabulary_lock = threading.Lock()
_vocabulary_cache: dict[str, Any] = {"key": None, "vocabulary": None}


def build_vocabulary() -> Vocabulary:
    """A ``Vocabulary`` of every party and mineral in the database, with all their names."""
    parties: dict[str, list[str]] = {}
    for code, name, kind in Party.objects.order_by("code").values_list("code", "name", "kind"):
        names = [name]
        if kind == PartyKind.STATE:
            country = pycountry.countries.get(alpha_2=code)
            if country is not None:
                names += _pycountry_names(country)
        parties[code] = list(dict.fromkeys(n for n in names if n))
    minerals: dict[str, list[str]] = {}
    groups: dict[str, str] = {}
    for slug, name, group in Mineral.objects.order_by("slug").values_list(
        "slug", "name", "group__slug"
    ):
        minerals[slug] = [name]
        if group:
            groups[slug] = group
    for slug, alias in MineralAlias.objects.order_by("mineral__slug", "name").values_list(
        "mineral__slug", "name"
    ):
        minerals[slug].append(alias)
    # People already recorded, with the party of their latest signature: a name the rules
    # alone would miss is still found, and brings its party.
    people: dict[str, str | None] = dict.fromkeys(Person.objects.values_list("name", flat=True))
    for name, code in Signature.objects.order_by(
        F("agreement__signed_on").asc(nulls_first=True), "pk"
    ).values_list("person__name", "party__code"):
        people[name] = code or people.get(name)
    return Vocabulary(parties=parties, minerals=minerals, mineral_groups=groups, people=people)


def vocabulary_from_db() -> Vocabulary:
    """The database's vocabulary, built once per data version and kept in process memory.

    It is derived data: every write to parties, minerals or aliases bumps the shared data
    version (agreements/sync/changelog.py), and each worker then rebuilds its own copy, so no
    worker needs another's memory.
    """
    key = data_version()
    cached = _vocabulary_cache
    if cached["key"] == key:
        return cached["vocabulary"]
    with _vocabulary_lock:
        if cached["key"] != key:
            vocabulary = build_vocabulary()
            # Compile the matchers now, outside any request that would pay for them later.
            vocabulary.party_regex, vocabulary.mineral_regex  # noqa: B018
            gazetteer()
            cached["vocabulary"], cached["key"] = vocabulary, key
        return cached["vocabulary"]


class ReferenceDataMissing(APIException):
    """No parties in the database: the extractor has nothing to recognise."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "No parties are loaded yet; run `python manage.py load_reference_data`."
    default_code = "reference_data_missing"


class DraftTimeExceeded(serializers.ValidationError):
    """The extractor did not finish within its time budget (DRAFT_TIME_LIMIT): a 400 on
    ``text``."""

    def __init__(self, seconds: float):
        self.message = (
            f"The text could not be analysed within {seconds:g} s; send a shorter release."
        )
        super().__init__({"text": [self.message]}, code="processing_time_exceeded")


def _extract_in_child(send, args, kwargs) -> None:
    try:
        result = (True, extract(*args, **kwargs))
    except Exception as error:  # noqa: BLE001 - handed to the parent, raised there
        result = (False, error)
    send.send(result)
    send.close()


def run_with_time_limit(args, kwargs, seconds: float) -> Extraction:
    """``extract(*args, **kwargs)`` in a child process that is killed after ``seconds``.

    A thread cannot be stopped from outside, and the extractor's running time depends on its
    input: a child process can, whatever it is doing, so no request spends more than its
    budget (nor leaves CPU burning after it has been answered). The child is forked, so it
    shares the compiled vocabulary without copying it; it runs pure Python (no database, no
    logging) and leaves with os._exit, touching nothing it inherited.
    """
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_extract_in_child, args=(send, args, kwargs), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(seconds):
            raise DraftTimeExceeded(seconds)
        ok, value = receive.recv()
    except EOFError:
        raise APIException("The extractor stopped unexpectedly.") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receive.close()
    if not ok:
        raise value
    return value


def draft_from_text(
    text: str,
    published_on: datetime.date,
    *,
    source_url: str | None = None,
    publisher: str | None = None,
) -> Extraction:
    """Run the extractor on a release with the database's vocabulary, within the time
    budget ``DRAFT_TIME_LIMIT`` (seconds; 0 runs it in the request's own thread)."""
    vocabulary = vocabulary_from_db()
    if not vocabulary.parties:
        raise ReferenceDataMissing()
    args = (text, published_on, vocabulary)
    kwargs = {"source_url": source_url or None, "publisher": publisher or None}
    if not settings.DRAFT_TIME_LIMIT:
        return extract(*args, **kwargs)
    return run_with_time_limit(args, kwargs, settings.DRAFT_TIME_LIMIT)
