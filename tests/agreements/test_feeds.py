"""Atom feeds of published agreements: all, per party and per mineral."""

import feedparser

from agreements.models import Agreement

from .fixtures import DRAFTS, agreements_fixture, module_agreements_fixture  # noqa: F401


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    return feed


def slugs(feed):
    return {entry.id.rsplit(":", 1)[-1] for entry in feed.entries}


def test_all_agreements_feed_is_atom_without_drafts(agreements, anon):
    """The main feed parses as Atom and lists published agreements only."""
    feed = parse(anon, "/feeds/agreements/")
    assert "uk-us-critical-minerals-mou-2026" in slugs(feed)
    assert not slugs(feed) & DRAFTS
    entry = next(e for e in feed.entries if e.id.endswith("uk-us-critical-minerals-mou-2026"))
    agreement = Agreement.objects.get(slug="uk-us-critical-minerals-mou-2026")
    assert (
        entry.title == (agreement.short_title or agreement.title) or entry.title == agreement.title
    )
    assert entry.link.endswith("/api/v1/agreements/uk-us-critical-minerals-mou-2026/")
    assert entry.updated


def test_party_feed(agreements, anon):
    """The party feed lists that party's published agreements only."""
    feed = parse(anon, "/feeds/parties/US/")
    assert "uk-us-critical-minerals-mou-2026" in slugs(feed)
    assert "japan-us-critical-minerals-agreement-2023" in slugs(feed)
    assert "canada-uk-critical-minerals-joint-statement-2023" not in slugs(feed)
    assert not slugs(feed) & DRAFTS
    for code in ("GB", "SA", "IN"):
        assert not slugs(parse(anon, f"/feeds/parties/{code}/")) & DRAFTS


def test_mineral_feed_includes_group_members(agreements, anon):
    """The rare-earth feed includes agreements covering a member such as neodymium."""
    feed = parse(anon, "/feeds/minerals/rare-earth-elements/")
    assert "uk-us-critical-minerals-mou-2026" in slugs(feed)
    assert "australia-uk-us-rare-earth-magnet-framework-2024" in slugs(feed)
    lithium = parse(anon, "/feeds/minerals/lithium/")
    assert "australia-uk-critical-minerals-statement-of-intent-2023" in slugs(lithium)
    assert not slugs(lithium) & DRAFTS


def test_unknown_party_or_mineral_feed_is_404(anon, ref):
    """A feed for an unknown party or mineral is not found."""
    assert anon.get("/feeds/parties/XX/").status_code == 404
    assert anon.get("/feeds/minerals/unobtainium/").status_code == 404
