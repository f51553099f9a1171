"""Change history: one entry per write, who made it, and what changed."""

from django import forms
from django.urls import reverse

from agreements.models import Agreement

SLUG = "uk-us-critical-minerals-mou-2026"


def history(client, slug=SLUG):
    response = client.get(f"/api/v1/agreements/{slug}/history/")
    assert response.status_code == 200, response.content
    return response.json()


def test_every_api_write_creates_one_entry_naming_the_token_user(publisher_api, publisher):
    """Each API write is one history entry with the token's user and its field changes."""
    before = history(publisher_api)
    r = publisher_api.patch(f"/api/v1/agreements/{SLUG}/", {"summary": "Revised."}, format="json")
    assert r.status_code == 200
    stored = publisher_api.get(f"/api/v1/agreements/{SLUG}/").json()["minerals"]
    assert "lithium" not in [m["mineral"] for m in stored]
    minerals = [
        *({k: m[k] for k in ("mineral", "stages", "note")} for m in stored),
        {"mineral": "lithium", "stages": ["refining"], "note": "battery grade"},
    ]
    r = publisher_api.patch(f"/api/v1/agreements/{SLUG}/", {"minerals": minerals}, format="json")
    assert r.status_code == 200
    entries = history(publisher_api)
    assert len(entries) == len(before) + 2
    newest, previous = entries[0], entries[1]
    assert newest["user"] == previous["user"] == publisher.username
    assert newest["action"] == previous["action"] == "updated"
    assert [(c["field"], c["new"]) for c in previous["changes"]] == [("summary", "Revised.")]
    assert newest["changes"] == []
    assert newest["collections"] == {
        "minerals": {
            "added": [{"mineral": "lithium", "stages": ["refining"], "note": "battery grade"}]
        }
    }


def test_removed_and_changed_nested_items_are_listed(publisher_api):
    """Removing a signature and changing a party's dates show as such in the entry."""
    body = publisher_api.get(f"/api/v1/agreements/{SLUG}/").json()
    body["signatures"] = body["signatures"][:1]
    body["parties"][0]["ratified_on"] = "2026-03-01"
    assert publisher_api.put(f"/api/v1/agreements/{SLUG}/", body, format="json").status_code == 200
    entry = history(publisher_api)[0]
    removed = entry["collections"]["signatures"]["removed"]
    assert [s["person"] for s in removed] == ["jacob-helberg"]
    changed = entry["collections"]["parties"]["changed"]
    assert changed == [
        {"key": "GB", "changes": [{"field": "ratified_on", "old": None, "new": "2026-03-01"}]}
    ]


def test_no_op_write_adds_no_entry(publisher_api):
    """Sending the representation back unchanged changes nothing, so adds no entry."""
    before = history(publisher_api)
    body = publisher_api.get(f"/api/v1/agreements/{SLUG}/").json()
    assert publisher_api.put(f"/api/v1/agreements/{SLUG}/", body, format="json").status_code == 200
    assert history(publisher_api) == before


def test_first_entry_is_the_creation_with_its_collections(ref, anon):
    """The founding agreement's first entry is its creation, with parties and signatures."""
    entries = history(anon)
    first = entries[-1]
    assert first["action"] == "created"
    assert first["user"] is None  # loaded by a command: the system
    assert {p["party"] for p in first["collections"]["parties"]["added"]} == {"GB", "US"}
    assert {s["person"] for s in first["collections"]["signatures"]["added"]} == {
        "seema-malhotra",
        "jacob-helberg",
    }


def test_anonymous_history_shows_only_published_states(publisher_api, anon):
    """Draft edits between two published versions never reach anonymous readers."""
    url = f"/api/v1/agreements/{SLUG}/"
    publisher_api.patch(url, {"is_published": False}, format="json")
    publisher_api.patch(url, {"summary": "SECRET DRAFT WORDING"}, format="json")
    publisher_api.patch(url, {"summary": "Public wording."}, format="json")
    publisher_api.patch(url, {"is_published": True}, format="json")
    editor_view = history(publisher_api)
    public_view = history(anon)
    assert "SECRET DRAFT WORDING" in str(editor_view)
    assert "SECRET DRAFT WORDING" not in str(public_view)
    assert public_view[0]["action"] == "updated"
    assert [c["new"] for c in public_view[0]["changes"] if c["field"] == "summary"] == [
        "Public wording."
    ]
    assert len(public_view) < len(editor_view)
    assert {e["action"] for e in editor_view} >= {"published", "unpublished"}


def test_draft_history_is_not_found_for_anonymous(publisher_api, anon):
    """An unpublished agreement's history is a 404 for anonymous clients."""
    url = f"/api/v1/agreements/{SLUG}/"
    publisher_api.patch(url, {"is_published": False}, format="json")
    response = anon.get(url + "history/")
    assert response.status_code == 404
    assert response.json()["type"] == "client_error"


def test_admin_save_names_the_editor(client, editor, ref):
    """An admin save is one entry naming the editor."""
    agreement = Agreement.objects.get(slug=SLUG)
    client.force_login(editor)
    url = reverse("admin:agreements_agreement_change", args=[agreement.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if hasattr(value, "pk"):
            value = value.pk
        data[name] = value
    data["signed_country"] = agreement.signed_country_id
    data["summary"] = "Edited in the admin."
    for formset in page.context["inline_admin_formsets"]:
        fs = formset.formset
        data.update(
            {
                f"{fs.prefix}-TOTAL_FORMS": len(fs.forms),
                f"{fs.prefix}-INITIAL_FORMS": fs.initial_form_count(),
                f"{fs.prefix}-MIN_NUM_FORMS": 0,
                f"{fs.prefix}-MAX_NUM_FORMS": 1000,
            }
        )
        for i, f in enumerate(fs.forms):
            for name in f.fields:
                value = f.initial.get(name)
                if value is None:
                    continue
                if hasattr(value, "pk"):
                    value = value.pk
                if isinstance(value, list):
                    data[f"{fs.prefix}-{i}-{name}"] = value
                    continue
                if isinstance(f.fields[name], forms.JSONField):
                    value = f.fields[name].prepare_value(value)
                data[f"{fs.prefix}-{i}-{name}"] = value
            data[f"{fs.prefix}-{i}-id"] = f.instance.pk
            data[f"{fs.prefix}-{i}-{fs.fk.name}"] = agreement.pk
    data = {k: v for k, v in data.items() if v is not None}
    response = client.post(url, data)
    assert response.status_code == 302, response.context and [
        (fs.formset.prefix, fs.formset.errors, fs.formset.non_form_errors())
        for fs in response.context["inline_admin_formsets"]
    ] + [response.context["adminform"].form.errors]
    entry = history(client)[0]
    assert entry["user"] == editor.username
    assert [c["field"] for c in entry["changes"]] == ["summary"]
    assert entry["collections"] == {}
