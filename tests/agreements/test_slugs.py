"""Slugs are URL keys: lower case, unique whatever the case, and never an API route's name,
whichever way a record arrives (API, admin, model, import)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from agreements.models import Agreement, Person

from ..factories import AgreementFactory
from .fixtures import assert_error
from .test_admin import agreement_post, form_errors, publisher_client  # noqa: F401
from .test_api import URL, new


def refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


@pytest.mark.parametrize("slug", ["export", "draft-from-text"])
def test_model_refuses_reserved_agreement_slugs(ref, slug):
    """The reserved slugs are refused by model validation and by the database itself."""
    with pytest.raises(ValidationError) as info:
        Agreement(slug=slug, title="X", kind="other", status="planned").full_clean()
    assert "slug" in info.value.message_dict
    agreement = AgreementFactory()
    refused(lambda: Agreement.objects.filter(pk=agreement.pk).update(slug=slug))


def test_admin_refuses_reserved_slug(publisher_client):  # noqa: F811
    """The admin form shows the reserved slug as an error on the slug field."""
    response = publisher_client.post(
        reverse("admin:agreements_agreement_add"), agreement_post(fields={"slug": "export"})
    )
    assert response.status_code == 200
    assert "slug" in form_errors(response)
    assert not Agreement.objects.filter(slug="export").exists()


def test_slugs_are_lower_case(ref, editor_api):
    """An upper-case slug is a 400 naming the field (agreements and people); the database
    refuses one written past validation, so ``GB-AU-x`` cannot sit beside ``gb-au-x``."""
    assert_error(editor_api.post(URL, new(slug="GB-AU-mou"), format="json"), 400, "slug")
    response = editor_api.post(URL, new(slug="gb-au-mou"), format="json")
    assert response.status_code == 201, response.content
    assert_error(editor_api.post(URL, new(slug="gb-au-mou"), format="json"), 400, "slug")
    assert_error(
        editor_api.post("/api/v1/people/", {"name": "Ann", "slug": "Ann-X"}, format="json"),
        400,
        "slug",
    )
    with pytest.raises(ValidationError):
        Agreement(slug="GB-AU-mou", title="X", kind="other", status="planned").full_clean()
    refused(
        lambda: Agreement.objects.create(
            slug="GB-AU-mou", title="X", kind="other", status="planned"
        )
    )
    refused(lambda: Person.objects.create(slug="Seema-Malhotra", name="Seema Malhotra"))
    assert Agreement.objects.filter(slug__iexact="gb-au-mou").count() == 1


def test_mineral_and_list_slugs_are_lower_case(ref, publisher_api):
    """Mineral and list slugs follow the same rule: 400 through the API, refused by the
    database past validation."""
    from minerals.models import Mineral, MineralList

    response = publisher_api.post(
        "/api/v1/minerals/", {"slug": "Lithium-X", "name": "Lithium X"}, format="json"
    )
    assert_error(response, 400, "slug")
    refused(lambda: Mineral.objects.create(slug="Lithium", name="Lithium upper"))
    refused(lambda: MineralList.objects.filter(slug="uk-2024").update(slug="UK-2024"))
