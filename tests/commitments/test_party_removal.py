"""A party that commitments name as responsible stays in the agreement until they no longer
name it: every write path refuses to drop it, naming the commitments, and saves nothing."""

import pytest
from django import forms
from django.contrib.auth.models import Permission, User
from django.core.exceptions import ValidationError
from django.urls import reverse

from agreements import services
from agreements.models import Agreement, AgreementParty, ChangeEvent, Party

from .conftest import make_agreement, make_commitment

URL = "/api/v1/agreements/public-mou/"


def party_codes(slug="public-mou"):
    return sorted(
        AgreementParty.objects.filter(agreement__slug=slug).values_list("party__code", flat=True)
    )


@pytest.fixture
def named(public):
    """public-mou (GB, US, published) with a commitment naming GB and one naming nobody."""
    return make_commitment(public, "UK funds a feasibility study", responsible=["GB"])


def test_api_put_dropping_a_named_party_is_a_400_naming_the_commitment(publisher_api, named):
    """Replacing GB by JP while a commitment names GB is refused on `parties`, nothing saved."""
    body = publisher_api.get(URL).json()
    versions = Agreement.history.filter(slug="public-mou").count()
    events = ChangeEvent.objects.count()
    body["parties"] = [{"party": "JP"}, {"party": "US"}]
    response = publisher_api.put(URL, body, format="json")
    assert response.status_code == 400, response.content
    error = response.json()
    assert error["type"] == "validation_error"
    [item] = error["errors"]
    assert item["attr"] == "parties"
    assert item["code"] == "responsible_party"
    assert str(named.key) in item["detail"] and "UK funds a feasibility study" in item["detail"]
    assert item["detail"].startswith("GB cannot leave the agreement")
    assert party_codes() == ["GB", "US"]
    assert Agreement.history.filter(slug="public-mou").count() == versions
    assert ChangeEvent.objects.count() == events


def test_editor_patch_replacing_a_named_party_is_a_400(editor_api, named):
    """Editors may replace a party (no delete permission needed); not one still named."""
    response = editor_api.patch(URL, {"parties": [{"party": "US"}, {"party": "JP"}]}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["attr"] == "parties"
    assert party_codes() == ["GB", "US"]


def test_party_can_go_once_no_commitment_names_it(publisher_api, named, public):
    """Taking GB off the commitment first (responsible: everyone) lets the party go; a party
    that no commitment names (US) could always go."""
    patch = {"parties": [{"party": "GB"}, {"party": "JP"}]}
    assert publisher_api.patch(URL, patch, format="json").status_code == 200
    response = publisher_api.patch(
        f"/api/v1/commitments/{named.key}/", {"responsible_parties": []}, format="json"
    )
    assert response.status_code == 200, response.content
    patch = {"parties": [{"party": "JP"}, {"party": "FR"}]}
    assert publisher_api.patch(URL, patch, format="json").status_code == 200
    assert party_codes() == ["FR", "JP"]


def test_every_named_party_and_commitment_is_listed(publisher_api, public):
    """Two parties dropped, each named by commitments: one message per party."""
    first = make_commitment(public, "Both report", responsible=["GB", "US"])
    second = make_commitment(public, "US hosts", responsible=["US"])
    patch = {"parties": [{"party": "JP"}, {"party": "FR"}]}
    response = publisher_api.patch(URL, patch, format="json")
    assert response.status_code == 400, response.content
    details = [e["detail"] for e in response.json()["errors"]]
    assert [d[:2] for d in details] == ["GB", "US"]
    assert str(first.key) in details[0] and str(second.key) not in details[0]
    assert str(first.key) in details[1] and str(second.key) in details[1]


def test_the_service_refuses_too(named, public):
    """Commands and loaders call the service directly: the rule holds there, under the
    write lock, with the same error."""
    with pytest.raises(ValidationError) as raised:
        services.agreement_save(
            agreement=public,
            data={},
            collections={"parties": [{"party": Party.objects.get(code=c)} for c in ("US", "JP")]},
        )
    assert list(raised.value.message_dict) == ["parties"]
    assert str(named.key) in raised.value.message_dict["parties"][0]
    assert party_codes() == ["GB", "US"]


# --- The admin -----------------------------------------------------------------------------


def change_post(client, agreement):
    """The agreement change page's form as the browser would post it back, unchanged."""
    page = client.get(reverse("admin:agreements_agreement_change", args=[agreement.pk]))
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {"_save": "Save"}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        data[name] = value.pk if hasattr(value, "pk") else value
    for formset in page.context["inline_admin_formsets"]:
        fs = formset.formset
        data[f"{fs.prefix}-TOTAL_FORMS"] = len(fs.forms)
        data[f"{fs.prefix}-INITIAL_FORMS"] = fs.initial_form_count()
        data[f"{fs.prefix}-MIN_NUM_FORMS"] = 0
        data[f"{fs.prefix}-MAX_NUM_FORMS"] = 1000
        for i, f in enumerate(fs.forms):
            for name in f.fields:
                value = f.initial.get(name)
                if isinstance(value, list):
                    value = [getattr(v, "pk", v) for v in value]
                elif hasattr(value, "pk"):
                    value = value.pk
                elif isinstance(f.fields[name], forms.JSONField):
                    value = f.fields[name].prepare_value(value)
                data[f"{fs.prefix}-{i}-{name}"] = value
            data[f"{fs.prefix}-{i}-id"] = f.instance.pk
            data[f"{fs.prefix}-{i}-{fs.fk.name}"] = agreement.pk
    return {k: v for k, v in data.items() if v is not None}


def row(data, prefix, field, value):
    """The index of the inline row whose ``field`` is ``value``."""
    for key, stored in data.items():
        if key.startswith(f"{prefix}-") and key.endswith(f"-{field}") and stored == value:
            return key.split("-")[1]
    raise AssertionError(f"no {prefix} row with {field}={value}")


@pytest.fixture
def draft_with_named(draft):
    """An editor may drop parties of a draft; draft-mou (GB, US) with a commitment naming GB."""
    return make_commitment(draft, "UK funds", responsible=["GB"])


def errors_of(response) -> list[str]:
    out = []
    for formset in response.context["inline_admin_formsets"]:
        out += list(formset.formset.non_form_errors())
        for form in formset.formset.forms:
            out += [m for messages in form.errors.values() for m in messages]
    return out


def test_admin_dropping_a_named_party_is_a_form_error(client, publisher, draft, draft_with_named):
    """Deleting GB's row while the commitment inline still names GB: the page comes back
    with the error on the commitment's row, nothing saved."""
    client.force_login(publisher)
    data = change_post(client, draft)
    index = row(data, "agreement_parties", "party", Party.objects.get(code="GB").pk)
    data[f"agreement_parties-{index}-DELETE"] = "on"
    response = client.post(reverse("admin:agreements_agreement_change", args=[draft.pk]), data)
    assert response.status_code == 200
    assert "Not a party to the agreement: GB." in errors_of(response)
    assert party_codes("draft-mou") == ["GB", "US"]


def test_admin_drops_the_party_from_both_in_one_save(client, publisher, draft, draft_with_named):
    """Deleting GB's row and taking GB off the commitment in the same submission saves."""
    client.force_login(publisher)
    data = change_post(client, draft)
    index = row(data, "agreement_parties", "party", Party.objects.get(code="GB").pk)
    data[f"agreement_parties-{index}-DELETE"] = "on"
    data["commitments-0-responsible_parties"] = []
    response = client.post(reverse("admin:agreements_agreement_change", args=[draft.pk]), data)
    assert response.status_code == 302, errors_of(response)
    assert party_codes("draft-mou") == ["US"]
    assert list(draft_with_named.responsible_parties.all()) == []


def test_admin_without_the_commitment_inline_shows_the_rule_on_the_parties(
    client, draft, draft_with_named
):
    """A user who may change agreements but not see commitments gets the rule on the
    parties, naming the commitment, instead of an error page."""
    user = User.objects.create_user("agreements-only", password="x", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="agreements",
            codename__in=[
                f"{action}_{model}"
                for action in ("view", "change", "add", "delete")
                for model in ("agreement", "agreementparty", "party")
            ],
        )
    )
    client.force_login(user)
    data = change_post(client, draft)
    assert "commitments-TOTAL_FORMS" not in data
    index = row(data, "agreement_parties", "party", Party.objects.get(code="GB").pk)
    data[f"agreement_parties-{index}-DELETE"] = "on"
    response = client.post(reverse("admin:agreements_agreement_change", args=[draft.pk]), data)
    assert response.status_code == 200
    [message] = [m for m in errors_of(response) if "cannot leave" in m]
    assert str(draft_with_named.key) in message
    assert party_codes("draft-mou") == ["GB", "US"]


def test_other_agreements_commitments_do_not_count(publisher_api, ref):
    """Only the agreement's own commitments hold a party in it."""
    make_agreement("other-mou", parties=("GB", "US"))
    make_commitment(Agreement.objects.get(slug="other-mou"), "GB elsewhere", responsible=["GB"])
    make_agreement("free-mou", parties=("GB", "US"))
    response = publisher_api.patch(
        "/api/v1/agreements/free-mou/",
        {"parties": [{"party": "US"}, {"party": "JP"}]},
        format="json",
    )
    assert response.status_code == 200, response.content


def test_admin_write_refused_under_the_lock_is_a_message_not_a_500(client, publisher, draft):
    """Another writer adds a commitment naming GB after the form was checked and before the
    service writes (here: as the agreement row is saved): the service refuses under its
    lock, the page's transaction rolls back and the editor is sent back with the reason."""
    from django.db.models.signals import pre_save

    client.force_login(publisher)
    data = change_post(client, draft)
    index = row(data, "agreement_parties", "party", Party.objects.get(code="GB").pk)
    data[f"agreement_parties-{index}-DELETE"] = "on"

    def other_writer(sender, instance, **kwargs):
        if instance.pk == draft.pk and not instance.commitments.exists():
            make_commitment(instance, "UK funds", responsible=["GB"])

    pre_save.connect(other_writer, sender=Agreement, dispatch_uid="test-other-writer")
    try:
        url = reverse("admin:agreements_agreement_change", args=[draft.pk])
        response = client.post(url, data)
    finally:
        pre_save.disconnect(sender=Agreement, dispatch_uid="test-other-writer")
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url)
    shown = [str(m) for m in page.context["messages"]]
    assert any(m.startswith("Not saved: the agreement changed") and "GB" in m for m in shown)
    assert party_codes("draft-mou") == ["GB", "US"]
    assert not draft.commitments.exists()  # the other write was in the rolled-back request
