"""Tests of the extraction core: no database, plain functions.

The founding release is checked field by field (with evidence offsets), each
recognition rule on a small text of its own, and the whole development set against
the precision/recall targets.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
from pathlib import Path

import pytest

from agreements.extraction.context import Extraction
from agreements.extraction.evaluate import evaluate, format_table, normalise_place
from agreements.extraction.extractor import extract
from agreements.extraction.vocabulary import Vocabulary

HERE = Path(__file__).parent
RELEASES = HERE / "releases"
FOUNDING = RELEASES / "2026-02-05-uk-us-critical-minerals-mou.txt"
PACKAGE = HERE.parents[1] / "agreements" / "extraction"


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary.from_reference()


@pytest.fixture(scope="module")
def founding(vocab: Vocabulary) -> tuple[str, Extraction]:
    text = FOUNDING.read_text(encoding="utf-8")
    return text, extract(text, dt.date(2026, 2, 5), vocab, publisher=None)


def run(
    vocab: Vocabulary,
    body: str,
    published: dt.date = dt.date(2026, 2, 5),
    publisher: str | None = None,
) -> Extraction:
    return extract(body, published, vocab, publisher=publisher)


def parties(result: Extraction) -> list[str]:
    return sorted(p["party"] for p in result.proposal["parties"])


def signers(result: Extraction) -> list[tuple[str, str | None, str, str]]:
    return [
        (s["person"], s["party"], s["office"], s["role"]) for s in result.proposal["signatures"]
    ]


def sentence_around(text: str, start: int, end: int) -> str:
    """The line of the text holding ``start:end`` (the release's sentences sit on lines)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return text[line_start : line_end if line_end >= 0 else len(text)]


# -- the founding release ----------------------------------------------------------


def test_founding_parties_exactly_gb_and_us(founding):
    _, result = founding
    assert parties(result) == ["GB", "US"]


def test_founding_signatories(founding):
    _, result = founding
    assert sorted(signers(result)) == [
        ("Jacob Helberg", "US", "Under Secretary of State", "signatory"),
        ("Seema Malhotra", "GB", "Foreign Office Minister", "signatory"),
    ]
    assert all(s["signed_on"] == "2026-02-04" for s in result.proposal["signatures"])
    assert "Chris McDonald" not in json.dumps(result.proposal)


def test_founding_scalars(founding):
    _, result = founding
    p = result.proposal
    assert p["signed_on"] == "2026-02-04"
    assert p["signed_place"] == "Washington DC"
    assert p["signed_country"] == "US"
    assert p["kind"] == "memorandum_of_understanding"
    assert p["status"] == "signed"
    assert p["announced_on"] == "2026-02-05"
    assert p["title"] == "UK–US Memorandum of Understanding on critical minerals"
    assert p["summary"].startswith("The UK and US have signed a Memorandum of Understanding")
    assert p["is_published"] is False
    assert p["related"] == []
    assert p["sources"] == [
        {
            "url": "",
            "title": "New UK-US partnership to drive investment and bolster critical "
            "minerals supply chains",
            "publisher": "Department for Business & Trade",
            "published_on": "2026-02-05",
            "kind": "press_release",
        }
    ]


def test_founding_excludes_mentioned_countries(founding):
    _, result = founding
    assert "AU" not in parties(result) and "CA" not in parties(result)


def test_founding_evidence_offsets(founding):
    text, result = founding
    for field, items in result.evidence.items():
        for item in items:
            assert text[item["start"] : item["end"]] == item["quote"], field
            assert 0 < item["confidence"] <= 1
    date = result.evidence["signed_on"][0]
    assert date["quote"].lower() == "yesterday"
    assert "signed" in sentence_around(text, date["start"], date["end"])
    place = result.evidence["signed_place"][0]
    assert place["quote"] == "Washington DC"
    assert "signed" in sentence_around(text, place["start"], place["end"])
    kind = result.evidence["kind"][0]
    assert kind["quote"] == "Memorandum of Understanding"
    assert "signed" in sentence_around(text, kind["start"], kind["end"])
    by_value = {e["value"]: e for e in result.evidence["signatures"]}
    assert "Seema Malhotra signed" in by_value["Seema Malhotra"]["quote"]
    assert "Jacob Helberg" in by_value["Jacob Helberg"]["quote"]
    party_quotes = {e["value"]: e["quote"] for e in result.evidence["parties"]}
    assert set(party_quotes) == {"GB", "US"}
    assert "UK-US" in party_quotes["GB"]


def test_founding_every_field_has_evidence(founding):
    _, result = founding
    p = result.proposal
    for field in (
        "title",
        "short_title",
        "kind",
        "status",
        "announced_on",
        "signed_on",
        "signed_place",
        "signed_country",
        "summary",
        "parties",
        "signatures",
        "sources",
    ):
        assert p[field] not in (None, "", []), field
        assert result.evidence.get(field), field


def test_as_dict_is_json(founding):
    _, result = founding
    data = json.loads(json.dumps(result.as_dict()))
    assert set(data) == {"proposal", "evidence", "warnings"}
    assert set(data["proposal"]) >= {
        "title",
        "short_title",
        "kind",
        "status",
        "legally_binding",
        "announced_on",
        "signed_on",
        "effective_on",
        "expires_on",
        "terminated_on",
        "signed_place",
        "signed_country",
        "summary",
        "text_url",
        "is_published",
        "parties",
        "signatures",
        "minerals",
        "sources",
        "related",
    }


# -- parties -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence,expected",
    [
        (
            "Britain and America have signed a memorandum of understanding on critical minerals.",
            ["GB", "US"],
        ),
        ("The U.K. and the U.S. signed an agreement on critical minerals today.", ["GB", "US"]),
        ("A new UK-US partnership on critical minerals was signed today.", ["GB", "US"]),
        (
            "The United Kingdom and the United States of America signed a framework today.",
            ["GB", "US"],
        ),
        (
            "The European Commission and the Republic of Korea signed a memorandum today.",
            ["EU", "KR"],
        ),
        ("The EU and South Korea signed a memorandum of understanding today.", ["EU", "KR"]),
        ("Turkiye and Oman signed a memorandum on mining today.", ["OM", "TR"]),
        ("The Philippine and Sudanese ministers signed a memorandum today.", ["PH", "SD"]),
        (
            "Japan and the European Union signed a partnership on critical raw materials.",
            ["EU", "JP"],
        ),
    ],
)
def test_party_alias_forms(vocab, sentence, expected):
    result = run(vocab, f"Headline\n{sentence}\n")
    assert parties(result) == expected


@pytest.mark.parametrize(
    "sentence,expected",
    [
        # state bodies without a country word stand for their states
        ("JOGMEC and KOMIR signed a memorandum on rare earths today.", ["JP", "KR"]),
        ("Rosgeo and Kazgeology have signed a cooperation agreement.", ["KZ", "RU"]),
        # a group acting as one: its members
        (
            "G7 leaders adopted the Critical Minerals Action Plan at the summit.",
            ["CA", "DE", "FR", "GB", "IT", "JP", "US"],
        ),
        (
            "The Quad foreign ministers issued a joint statement on critical minerals.",
            ["AU", "IN", "JP", "US"],
        ),
    ],
)
def test_state_bodies_and_groups(vocab, sentence, expected):
    result = run(vocab, f"Headline\n{sentence}\n")
    assert parties(result) == expected


def test_group_members_only_when_no_pair_acts(vocab):
    text = (
        "News\nOn the margins of the G7 summit, Canada and Chile signed a memorandum of "
        "understanding on critical minerals.\n"
    )
    assert parties(run(vocab, text)) == ["CA", "CL"]


def test_partnership_with_uses_publisher_country(vocab):
    text = (
        "Minister to sign minerals partnership\n"
        "Industry Minister Sarah Jones will sign a new critical minerals partnership "
        "with Saudi Arabia in Riyadh this week.\n"
    )
    result = run(vocab, text, publisher="Department for Business and Trade")
    assert parties(result) == ["GB", "SA"]


def test_mentioned_only_countries_excluded(vocab):
    text = (
        "UK and Zambia sign critical minerals MoU\n"
        "The UK and Zambia have signed a memorandum of understanding on critical minerals.\n"
        "It adds to agreements with other countries including Australia and Canada.\n"
        "No more than 60 percent of supply will be imported from any one country, and "
        "supplies are currently dominated by China.\n"
    )
    assert parties(run(vocab, text)) == ["GB", "ZM"]


def test_latin_american_is_not_the_us(vocab):
    text = (
        "EU and Chile sign MoU\nAt the EU-Latin American summit, the EU and Chile signed "
        "a memorandum of understanding on raw materials.\n"
    )
    assert parties(run(vocab, text)) == ["CL", "EU"]


# -- signatories -------------------------------------------------------------------


def test_possessive_party_and_reversed_name(vocab):
    text = (
        "United States and Japan Sign Critical Minerals Agreement\n"
        "WASHINGTON -- United States Trade Representative Katherine Tai and Japan’s "
        "Ambassador to the United States, Tomita Koji, today signed a critical minerals "
        "agreement.\n"
    )
    result = run(vocab, text, dt.date(2023, 3, 28), publisher="USTR")
    assert signers(result) == [
        ("Katherine Tai", "US", "United States Trade Representative", "signatory"),
        ("Tomita Koji", "JP", "Ambassador to the United States", "signatory"),
    ]
    assert parties(result) == ["JP", "US"]


def test_signed_by_and_witnesses(vocab):
    text = (
        "EU and Chile sign MoU\n"
        "President Ursula von der Leyen and the President of Chile, Gabriel Boric, "
        "witnessed the signing of a Memorandum of Understanding between the EU and Chile. "
        "The MoU was signed by Commissioner Thierry Breton and the Minister of Foreign "
        "Affairs of Chile Alberto van Klaveren Stork.\n"
    )
    result = run(vocab, text, dt.date(2023, 7, 18), publisher="European Commission")
    assert sorted(signers(result)) == [
        ("Alberto van Klaveren Stork", "CL", "Minister of Foreign Affairs", "signatory"),
        ("Gabriel Boric", "CL", "President", "witness"),
        ("Thierry Breton", "EU", "Commissioner", "signatory"),
        ("Ursula von der Leyen", "EU", "President", "witness"),
    ]


def test_quoted_minister_is_not_a_signatory(vocab):
    text = (
        "UK and US sign MoU\n"
        "Foreign Office Minister Seema Malhotra signed a Memorandum of Understanding with "
        "US Under Secretary of State Jacob Helberg in Washington DC today.\n"
        "Industry Minister Chris McDonald said:\n"
        "This signing is a great step for the UK.\n"
    )
    result = run(vocab, text, publisher="Department for Business & Trade")
    assert [s[0] for s in signers(result)] == ["Seema Malhotra", "Jacob Helberg"]


def test_unknown_party_left_empty_with_warning(vocab):
    text = (
        "Critical minerals memorandum signed\n"
        "Minister Jane Doe signed a memorandum of understanding on critical minerals "
        "today.\n"
    )
    result = run(vocab, text)
    assert signers(result) == [("Jane Doe", None, "Minister", "signatory")]
    assert "could not tell which party Jane Doe represents" in result.warnings


# -- dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "when,published,expected",
    [
        ("today", dt.date(2026, 2, 5), "2026-02-05"),
        ("yesterday", dt.date(2026, 2, 5), "2026-02-04"),
        ("on Tuesday", dt.date(2026, 2, 5), "2026-02-03"),  # 5 Feb 2026 is a Thursday
        ("on Thursday", dt.date(2026, 2, 5), "2026-02-05"),
        ("on 4 February", dt.date(2026, 2, 5), "2026-02-04"),
        ("on 20 December", dt.date(2026, 2, 5), "2025-12-20"),
        ("on March 28, 2023", dt.date(2023, 3, 29), "2023-03-28"),
        ("on the 4th of February", dt.date(2026, 2, 5), "2026-02-04"),
        ("Tuesday", dt.date(2026, 2, 5), "2026-02-03"),
        ("earlier in the day", dt.date(2026, 2, 5), "2026-02-05"),
    ],
)
def test_signing_dates(vocab, when, published, expected):
    text = (
        f"UK and Japan sign MoU\nThe UK and Japan signed a memorandum of understanding "
        f"on critical minerals {when}.\n"
    )
    result = run(vocab, text, published)
    assert result.proposal["signed_on"] == expected
    assert result.proposal["status"] == "signed"


def test_will_sign_is_planned_without_date(vocab):
    text = (
        "UK to sign minerals deal\nThe UK and Japan will sign a memorandum of "
        "understanding on critical minerals on 10 February.\n"
    )
    result = run(vocab, text)
    assert result.proposal["status"] == "planned"
    assert result.proposal["signed_on"] is None
    assert result.proposal["signed_place"] == ""
    assert "signing date not found (signing is planned)" in result.warnings


def test_is_set_to_sign_is_planned(vocab):
    text = (
        "Deal ahead\nThe UK and Canada are set to sign a critical minerals "
        "partnership in London next week.\n"
    )
    result = run(vocab, text)
    assert result.proposal["status"] == "planned"
    assert result.proposal["signed_place"] == ""


def test_range_of_days_is_ambiguous(vocab):
    text = (
        "EU and Chile sign MoU\nAt the summit in Brussels on 17 and 18 July, the EU and "
        "Chile signed a memorandum of understanding.\n"
    )
    result = run(vocab, text, dt.date(2023, 7, 18))
    assert result.proposal["signed_on"] is None
    assert any("ambiguous" in w for w in result.warnings)


def test_signing_date_missing_warns(vocab):
    text = (
        "UK and Chile sign MoU\nThe UK and Chile have signed a memorandum of "
        "understanding on critical minerals.\n"
    )
    result = run(vocab, text)
    assert result.proposal["signed_on"] is None
    assert "signing date not found" in result.warnings


# -- place, kind, binding -------------------------------------------------------------


def test_dateline_place(vocab):
    text = (
        "Canada and Germany sign declaration\nBERLIN, Germany, Aug. 26, 2025 /CNW/ - Canada "
        "and Germany today signed a Joint Declaration of Intent on critical minerals.\n"
    )
    result = run(vocab, text, dt.date(2025, 8, 26))
    assert result.proposal["signed_place"] == "Berlin"
    assert result.proposal["signed_country"] == "DE"
    assert result.proposal["kind"] == "statement_of_intent"


def test_london_dateline(vocab):
    text = (
        "UK and India sign roadmap\nLONDON, 5 February — The UK and India today signed a "
        "critical minerals roadmap.\n"
    )
    result = run(vocab, text)
    assert result.proposal["signed_place"] == "London"
    assert result.proposal["signed_country"] == "GB"
    assert result.proposal["kind"] == "roadmap"


@pytest.mark.parametrize(
    "noun,kind",
    [
        ("memorandum of understanding", "memorandum_of_understanding"),
        ("MoU", "memorandum_of_understanding"),
        ("agreement", "agreement"),
        ("framework", "framework"),
        ("joint statement", "joint_statement"),
        ("statement of intent", "statement_of_intent"),
        ("roadmap", "roadmap"),
        ("partnership", "partnership"),
        ("memorandum of cooperation", "memorandum_of_understanding"),
        ("letter of intent", "statement_of_intent"),
        ("declaration", "joint_statement"),
    ],
)
def test_kinds(vocab, noun, kind):
    text = f"News\nThe UK and Peru signed a {noun} on critical minerals today.\n"
    assert run(vocab, text).proposal["kind"] == kind


def test_place_of_the_occasion_in_a_partys_country(vocab):
    text = (
        "Kazakhstan and Korea sign memorandum\nAs part of the state visit of the President "
        "of Kazakhstan to Seoul, Kazakhstan and Korea signed a memorandum on rare metals "
        "on Monday.\n"
    )
    result = run(vocab, text, published=dt.date(2026, 2, 5))
    assert result.proposal["signed_place"] == "Seoul"
    assert result.evidence["signed_place"][0]["confidence"] == 0.5
    # a city in a third country is where something else happened
    text = (
        "Canada and Chile sign memorandum\nMinisters gathered at a forum in Davos this "
        "week. Canada and Chile signed a memorandum on lithium on Monday.\n"
    )
    assert run(vocab, text).proposal["signed_place"] == ""


def test_visit_city_not_dateline(vocab):
    # the dateline's city while the sentence names the visit's: the visit places it
    text = (
        "Australia and Korea sign critical minerals MoU\nCANBERRA — Australia and Korea "
        "today signed a memorandum of understanding on critical minerals during the "
        "minister's visit to Seoul.\n"
    )
    assert run(vocab, text, dt.date(2025, 1, 15)).proposal["signed_place"] == "Seoul"


def test_lone_unknown_signer_of_a_bilateral_is_the_other_side(vocab):
    text = (
        "Saudi Arabia and Indonesia sign mining MoU\nSaudi Arabia and Indonesia signed a "
        "memorandum on mining during Saudi Industry Minister Faisal Al-Rashid’s visit to "
        "Jakarta on Thursday.\nAl-Rashid arrived in the Indonesian capital on Tuesday.\n"
        "On Thursday, he signed the memorandum with Energy Minister Budi Santoso.\n"
    )
    got = {
        s[0]: s[1] for s in signers(run(vocab, text, dt.date(2025, 4, 17))) if s[3] == "signatory"
    }
    assert got.get("Budi Santoso") == "ID"


def test_weak_kind_from_the_one_specific_name(vocab):
    # no noun is the object of a verb: the specific name still tells the kind, weakly;
    # a relationship's name ("partnership") alone is not proposed
    text = (
        "Talks on minerals\nThe ministers of Peru and Japan discussed the memorandum of "
        "understanding on critical minerals and a roadmap for it.\n"
    )
    result = run(vocab, text)
    assert result.proposal["kind"] == "memorandum_of_understanding"
    assert result.evidence["kind"][0]["confidence"] < 0.5
    text = "Talks on minerals\nThe ministers of Peru and Japan discussed their partnership.\n"
    assert run(vocab, text).proposal["kind"] is None


@pytest.mark.parametrize(
    "phrase,expected",
    [
        ("The memorandum is non-binding.", False),
        ("The agreement is legally binding on both parties.", True),
        ("It builds on earlier cooperation.", None),
    ],
)
def test_binding_hints(vocab, phrase, expected):
    text = f"News\nThe UK and Peru signed a memorandum on critical minerals today. {phrase}\n"
    assert run(vocab, text).proposal["legally_binding"] is expected


# -- minerals ------------------------------------------------------------------------


def test_minerals_covered_vs_mentioned(vocab):
    text = (
        "UK and Zambia sign MoU\n"
        "The UK and Zambia signed a memorandum of understanding on the responsible mining "
        "of copper and cobalt and on rare earths processing today.\n"
        "Zambia is also a major producer of manganese.\n"
        "Companies such as Cornish Lithium joined the visit.\n"
        "Background:\n"
        "The UK agreement on nickel with Canada was signed in 2023.\n"
    )
    result = run(vocab, text)
    slugs = sorted(m["mineral"] for m in result.proposal["minerals"])
    assert slugs == ["cobalt", "copper", "rare-earth-elements"]
    copper = next(m for m in result.proposal["minerals"] if m["mineral"] == "copper")
    assert "mining" in copper["stages"] and "processing" in copper["stages"]
    for item in result.evidence["minerals"]:
        assert text[item["start"] : item["end"]] == item["quote"]


def test_mineral_alias_and_symbols_ignored(vocab):
    text = (
        "News\nThe UK and Chile signed an agreement on lithium used in batteries and on "
        "REEs today. In Chile, As and W are letters.\n"
    )
    slugs = sorted(m["mineral"] for m in run(vocab, text).proposal["minerals"])
    assert slugs == ["lithium", "rare-earth-elements"]


# -- vocabulary, evaluation, package hygiene ------------------------------------------


def test_reference_vocabulary(vocab):
    assert "EU" in vocab.parties and "GB" in vocab.parties
    assert vocab.mineral_slug("rare earths") == "rare-earth-elements"
    assert "In" not in vocab.mineral_names and "W" not in vocab.mineral_names


def test_place_normalisation():
    assert normalise_place("Washington, D.C.") == normalise_place("Washington DC")


def test_no_django_imports():
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                assert not any(a.name.split(".")[0] == "django" for a in node.names), path
            if isinstance(node, ast.ImportFrom):
                assert (node.module or "").split(".")[0] != "django", path


# Regression guards on the development set, set a little under the figures of the time. The
# development set holds releases moved from the blind set with the misses they had there (see
# the blind set's history), so these are not the extractor's targets: those are measured on
# the blind set only.
DEV_GUARDS = {
    "parties": (0.95, 0.9),
    "signed_on": (0.95, 0.9),
    "signed_place": (0.95, 0.75),
    "kind": (0.95, 0.9),
    "signatories": (0.9, 0.75),
    "minerals": (0.85, 0.75),
}


def test_dev_set_meets_targets(vocab):
    results = evaluate(RELEASES, vocab)
    assert results["count"] >= 11
    table = format_table(results)
    for field, (precision, recall) in DEV_GUARDS.items():
        scores = results["fields"][field]
        assert scores["precision"] >= precision, table
        assert scores["recall"] >= recall, table


def test_dev_set_files_are_paired():
    texts = {p.stem for p in RELEASES.glob("*.txt")}
    metas = {p.stem for p in RELEASES.glob("*.json")}
    assert texts == metas and len(texts) >= 11


# -- grammar of signatories ----------------------------------------------------------


def test_apposition_title_name_on_both_sides_of_with(vocab):
    """ "Title, Name signed ... with the UK's Title, Name in <City>": two signatories, each
    with the office as written and the party from its country qualifier or the sentence."""
    text = (
        "Australia and UK sign critical minerals statement\n"
        "Minister for Resources and Northern Australia, Madeleine King signed the statement "
        "with the UK's Minister for the Indo Pacific, Anne-Marie Trevelyan in Perth today.\n"
    )
    result = run(vocab, text, dt.date(2023, 6, 20), publisher="Minister for Resources")
    assert sorted(signers(result)) == [
        ("Anne-Marie Trevelyan", "GB", "Minister for the Indo Pacific", "signatory"),
        ("Madeleine King", "AU", "Minister for Resources and Northern Australia", "signatory"),
    ]
    assert parties(result) == ["AU", "GB"]
    assert result.proposal["signed_place"] == "Perth"
    assert result.proposal["signed_on"] == "2023-06-20"
    place = result.evidence["signed_place"][0]
    assert text[place["start"] : place["end"]] == "Perth"


def test_apposition_name_title(vocab):
    text = (
        "UK and Peru sign MoU\n"
        "Jane Roe, the UK's Minister for Trade, and Ana Lucía de la Cruz, Minister of Energy "
        "and Mines of Peru, signed a memorandum of understanding on critical minerals today.\n"
    )
    result = run(vocab, text)
    assert sorted(signers(result)) == [
        ("Ana Lucía de la Cruz", "PE", "Minister of Energy and Mines", "signatory"),
        ("Jane Roe", "GB", "Minister for Trade", "signatory"),
    ]


def test_country_adjective_gives_the_party(vocab):
    text = (
        "Partnership signed\n"
        "Australian Minister for Resources Madeleine King and Indian Minister of Mines "
        "Pralhad Joshi signed a critical minerals partnership in New Delhi on Tuesday.\n"
    )
    result = run(vocab, text, dt.date(2023, 3, 9))  # a Thursday
    assert sorted(signers(result)) == [
        ("Madeleine King", "AU", "Minister for Resources", "signatory"),
        ("Pralhad Joshi", "IN", "Minister of Mines", "signatory"),
    ]
    assert result.proposal["signed_on"] == "2023-03-07"
    assert result.proposal["signed_place"] == "New Delhi"


def test_office_with_commas_and_signed_by_several_per_party(vocab):
    text = (
        "Japan and Namibia sign memorandum\n"
        "The memorandum of understanding on critical minerals was signed by Japan's "
        "Minister of Economy, Trade and Industry, Nishimura Yasutoshi, Japan's Ambassador "
        "to Namibia, Hisao Nishimaki, and the Minister of Mines and Energy of Namibia, Tom "
        "Alweendo, in Windhoek yesterday.\n"
    )
    result = run(vocab, text, dt.date(2023, 8, 8))
    assert sorted(signers(result)) == [
        ("Hisao Nishimaki", "JP", "Ambassador to Namibia", "signatory"),
        ("Nishimura Yasutoshi", "JP", "Minister of Economy, Trade and Industry", "signatory"),
        ("Tom Alweendo", "NA", "Minister of Mines and Energy", "signatory"),
    ]
    assert parties(result) == ["JP", "NA"]
    assert result.proposal["signed_on"] == "2023-08-07"


def test_in_the_presence_of_makes_witnesses(vocab):
    text = (
        "India and Australia sign MoU\n"
        "In the presence of Prime Minister Anthony Albanese, the Australian Minister for "
        "Resources, Madeleine King, and India's Minister of Mines, Pralhad Joshi, signed a "
        "memorandum of understanding on critical minerals.\n"
    )
    result = run(vocab, text, dt.date(2023, 3, 10))
    roles = {s[0]: s[3] for s in signers(result)}
    assert roles == {
        "Anthony Albanese": "witness",
        "Madeleine King": "signatory",
        "Pralhad Joshi": "signatory",
    }


def test_two_unknown_sides_stay_unknown(vocab):
    """Two officials named without countries, signing together: the publisher's party is
    not given to both (one of them is the other party's), so both are left for the editor."""
    text = (
        "US and Australia sign framework\n"
        "The United States and Australia signed a critical minerals framework on Saturday. "
        "Secretary Antony Blinken and Foreign Minister Penny Wong signed the framework in "
        "Hiroshima on Saturday.\n"
    )
    result = run(vocab, text, dt.date(2023, 5, 22), publisher="Department of State")
    assert {(s[0], s[1]) for s in signers(result)} == {
        ("Antony Blinken", None),
        ("Penny Wong", None),
    }


def test_people_in_the_database_are_recognised_with_their_party(vocab):
    """A known person is found even where the words alone are not enough (a one-word
    office, no country), and brings the party of their earlier signatures."""
    known = Vocabulary(
        parties=vocab.parties,
        minerals=vocab.minerals,
        people={"Penny Wong": "AU", "Antony Blinken": "US"},
    )
    text = (
        "US and Australia sign framework\n"
        "Antony Blinken and Penny Wong signed a critical minerals framework in Hiroshima "
        "on Saturday.\n"
    )
    result = extract(text, dt.date(2023, 5, 22), known)
    assert sorted((s[0], s[1]) for s in signers(result)) == [
        ("Antony Blinken", "US"),
        ("Penny Wong", "AU"),
    ]


# -- dates, status and places ----------------------------------------------------------


@pytest.mark.parametrize("when", ["last week", "earlier this month", "recently"])
def test_vague_dates_give_no_signing_date(vocab, when):
    text = (
        "UK and Japan sign MoU\nThe UK and Japan signed a memorandum of understanding "
        f"on critical minerals {when}.\n"
    )
    result = run(vocab, text)
    assert result.proposal["status"] == "signed"
    assert result.proposal["signed_on"] is None


@pytest.mark.parametrize(
    "sentence",
    [
        "The UK and Kazakhstan are expected to sign a memorandum on critical minerals in "
        "Astana on Friday.",
        "The EU and Rwanda agreed to negotiate a strategic partnership on raw materials.",
        "The UK and Kazakhstan will sign a memorandum of understanding on critical minerals.",
    ],
)
def test_planned_signings(vocab, sentence):
    result = run(vocab, f"News\n{sentence}\n")
    assert result.proposal["status"] == "planned"
    assert result.proposal["signed_on"] is None
    assert result.proposal["signed_place"] == ""


def test_place_from_the_gazetteer_near_the_verb(vocab):
    """A city outside the capitals table is found next to the signing verb; a country, or a
    city far from the verb, is not a place of signing."""
    text = (
        "UK and Australia sign MoU\n"
        "The UK and Australia signed a memorandum of understanding on critical minerals in "
        "Darwin today.\n"
    )
    result = run(vocab, text)
    assert (result.proposal["signed_place"], result.proposal["signed_country"]) == (
        "Darwin",
        "AU",
    )
    text = (
        "UK and Australia sign MoU\n"
        "The UK and Australia signed a memorandum of understanding on critical minerals in "
        "Australia today.\n"
    )
    assert run(vocab, text).proposal["signed_place"] == ""


# -- linear time -------------------------------------------------------------------------


def _calls(text: str, vocab: Vocabulary) -> int:
    """Python and C function calls made while extracting ``text`` (a measure of work that
    does not depend on the machine's speed)."""
    import sys

    count = 0

    def profile(frame, event, arg):
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        extract(text, dt.date(2026, 2, 5), vocab)
    finally:
        sys.setprofile(None)
    return count


@pytest.mark.parametrize(
    "unit",
    [
        "signed ",
        "Minister Jane Doe signed with the UK's Minister for Trade, John Roe, in London on "
        "Tuesday a memorandum on lithium with Japan and ",
        "Critical Minerals Partnership Secretary Ambassador “",
        "The UK and Japan signed a memorandum of understanding today. ",
    ],
)
def test_work_grows_linearly_with_the_text(vocab, unit):
    """Four times the text costs at most about four times the work, whatever its shape (no
    full stops, only signing verbs, unpaired quotation marks), and no sentence is longer
    than the bound every rule relies on."""
    from agreements.extraction.text import MAX_SENTENCE_CHARS, parse_release

    small = "Headline\n" + unit * (8000 // len(unit))
    large = "Headline\n" + unit * (32000 // len(unit))
    assert _calls(large, vocab) <= 4.6 * _calls(small, vocab)
    sentences = parse_release(large).sentences
    assert max(s.end - s.start for s in sentences) <= MAX_SENTENCE_CHARS


# -- rules found on the enlarged development set -------------------------------------------


def test_counterpart_and_on_behalf_of_give_the_party(vocab):
    text = (
        "Korea and Vietnam sign MoU\n"
        "Industry Minister Lee Chang-yang and his Vietnamese counterpart, Nguyen Hong Dien, "
        "signed a memorandum of understanding on critical minerals in Seoul earlier in the "
        "day.\n"
    )
    result = run(vocab, text, dt.date(2022, 12, 5), publisher="Ministry of Trade (Korea)")
    assert sorted((s[0], s[1]) for s in signers(result)) == [
        ("Lee Chang-yang", "KR"),
        ("Nguyen Hong Dien", "VN"),
    ]
    assert result.proposal["signed_on"] == "2022-12-05"
    text = (
        "EESC welcomes MoU\n"
        "The committee welcomes the Memorandum of Understanding on raw materials signed on "
        "13 July by Maroš Šefčovič, Vice-President for Interinstitutional Relations and "
        "Foresight, on behalf of the European Union, and Denys Shmyhal, Prime Minister of "
        "Ukraine.\n"
    )
    result = run(vocab, text, dt.date(2021, 7, 14))
    assert sorted(signers(result)) == [
        ("Denys Shmyhal", "UA", "Prime Minister", "signatory"),
        (
            "Maroš Šefčovič",
            "EU",
            "Vice-President for Interinstitutional Relations and Foresight",
            "signatory",
        ),
    ]
    assert result.proposal["kind"] == "memorandum_of_understanding"
    assert result.proposal["signed_on"] == "2021-07-13"


def test_represented_by_and_a_last_name_later(vocab):
    text = (
        "Saudi Arabia and US sign framework\n"
        "Saudi Arabia and the United States signed a strategic framework on critical "
        "minerals.\n"
        "The government of Saudi Arabia was represented by Minister of Energy Prince "
        "Abdulaziz bin Salman.\n"
        "The U.S. side was represented by Secretary of the Interior Doug Burgum.\n"
    )
    result = run(vocab, text, dt.date(2025, 11, 19))
    assert sorted(signers(result)) == [
        ("Abdulaziz bin Salman", "SA", "Minister of Energy", "signatory"),
        ("Doug Burgum", "US", "Secretary of the Interior", "signatory"),
    ]
    text = (
        "Ukraine and US sign memorandum\n"
        "Ukraine and the United States signed a memorandum on minerals Thursday, according "
        "to First Deputy Prime Minister and Economy Minister Yulia Svyrydenko.\n"
        "The memorandum was signed by Svyrydenko in Kyiv and U.S. Treasury Secretary Scott "
        "Bessent in Washington.\n"
    )
    result = run(vocab, text, dt.date(2025, 4, 18))  # a Friday
    assert sorted(signers(result)) == [
        ("Scott Bessent", "US", "Treasury Secretary", "signatory"),
        (
            "Yulia Svyrydenko",
            "UA",
            "First Deputy Prime Minister and Economy Minister",
            "signatory",
        ),
    ]
    assert result.proposal["signed_on"] == "2025-04-17"
    assert result.proposal["signed_place"] == ""  # two cities: no single place
    assert result.proposal["kind"] == "memorandum_of_understanding"


def test_attendees_and_organisations_are_not_signatories(vocab):
    text = (
        "Korea and Mongolia sign MoU\n"
        "Vice Industry Minister Park Il-jun and his Mongolian counterpart, Ganbaatar Jambal, "
        "sign a memorandum of understanding on rare metals in Seoul on Feb. 15, 2023, with "
        "South Korean Prime Minister Han Duck-soo (2nd from R) and his Mongolian counterpart, "
        "Luvsannamsrai Oyun-Erdene, attending the signing ceremony.\n"
    )
    result = run(vocab, text, dt.date(2023, 2, 15))
    roles = {s[0]: s[3] for s in signers(result)}
    assert roles["Han Duck-soo"] == "witness"
    assert roles.get("Luvsannamsrai Oyun-Erdene", "witness") == "witness"
    assert roles["Park Il-jun"] == "signatory"
    text = (
        "India and Argentina sign agreement\n"
        "The ministry announces an agreement signed by Khanij Bidesh India Limited with a "
        "state enterprise of Argentina today at Catamarca, Argentina.\n"
    )
    result = run(vocab, text, dt.date(2024, 1, 15))
    assert signers(result) == []
    assert (result.proposal["signed_place"], result.proposal["signed_country"]) == (
        "Catamarca",
        "AR",
    )


def test_dates_of_reports_buildings_and_captions(vocab):
    text = (
        "Brazil and UAE sign MoU\n"
        "Brazil's minister Alexandre Silveira signed a memorandum of understanding on mining "
        "with the UAE, the news agency WAM reported on Friday.\n"
    )
    assert run(vocab, text, dt.date(2025, 1, 10)).proposal["signed_on"] is None
    text = (
        "Australia and US sign framework\n"
        "The two leaders on Monday signed a framework on critical minerals at the White "
        "House.\n"
    )
    result = run(vocab, text, dt.date(2025, 10, 21))
    assert result.proposal["signed_on"] == "2025-10-20"
    assert result.proposal["signed_place"] == ""  # a building, not a city
    text = (
        "Minister travels to sign pledge\n"
        "UK Minister Jane Roe and Australian Minister John Doe, signing a joint pledge on "
        "critical minerals.\n"
        "The minister will meet John Doe on Tuesday to sign a joint pledge.\n"
    )
    result = run(vocab, text, dt.date(2023, 4, 2))
    assert result.proposal["status"] == "planned"
    assert result.proposal["signatures"] == []


def test_headline_signing_dated_by_the_lead(vocab):
    text = (
        "Canada and the United Kingdom Sign Critical Minerals Supply Chain Dialogue\n"
        "March 6, 2023 Toronto, Ontario Natural Resources Canada\n"
        "Today, the ministers of Canada and the United Kingdom announced a collaboration "
        "through a Critical Minerals Supply Chain Dialogue.\n"
    )
    result = run(vocab, text, dt.date(2023, 3, 6))
    assert result.proposal["status"] == "signed"
    assert result.proposal["signed_on"] == "2023-03-06"
    assert result.proposal["signed_place"] == "Toronto"
    assert result.proposal["kind"] == "other"
    assert signers(result) == []  # a title-case headline names no people


def test_plurilateral_member_list(vocab):
    text = (
        "Partnership governments issue a statement on principles\n"
        "Partnership members participating in the meeting included: Australia, Canada, "
        "Finland, Japan, the United Kingdom, and the European Union. Additional countries in "
        "attendance included Angola and Zambia.\n"
    )
    assert parties(run(vocab, text)) == ["AU", "CA", "EU", "FI", "GB", "JP"]


def test_minerals_of_several_instruments_and_of_uses(vocab):
    text = (
        "Korea and Kazakhstan sign MoU\n"
        "The two sides signed a memorandum of understanding on critical minerals supply "
        "chains.\n"
        "Other MOUs call for joint lithium exploration.\n"
        "The agreements are aimed at key minerals, including lithium.\n"
    )
    assert run(vocab, text).proposal["minerals"] == []
    text = (
        "UK and Japan sign MoU\n"
        "The UK and Japan signed a memorandum of understanding on critical minerals such as "
        "the lithium used in batteries, and on cobalt refining.\n"
    )
    assert [m["mineral"] for m in run(vocab, text).proposal["minerals"]] == ["cobalt"]


def test_counterpart_from_a_country(vocab):
    text = (
        "Peru and Canada sign MoU\n"
        "Minister Jonathan Wilkinson and his counterpart from Peru, Rómulo Mucho, signed a "
        "memorandum of understanding on critical minerals in Lima today.\n"
    )
    result = run(vocab, text, publisher="Natural Resources Canada")
    assert sorted((s[0], s[1]) for s in signers(result)) == [
        ("Jonathan Wilkinson", "CA"),
        ("Rómulo Mucho", "PE"),
    ]


def test_forms_of_address_and_letters_after_the_name(vocab):
    text = (
        "UK and India sign MoU\n"
        "The Rt Hon Kemi Badenoch MP, Secretary of State for Business and Trade, signed a "
        "memorandum of understanding on critical minerals with India's Minister of Mines "
        "Shri Pralhad Joshi in London today.\n"
    )
    result = run(vocab, text, publisher="Department for Business and Trade")
    assert sorted(signers(result)) == [
        ("Kemi Badenoch", "GB", "Secretary of State for Business and Trade", "signatory"),
        ("Pralhad Joshi", "IN", "Minister of Mines", "signatory"),
    ]


def test_portfolio_with_commas_before_the_name(vocab):
    text = (
        "US and Chile sign MoU\n"
        "Under Secretary for Economic Growth, Energy, and the Environment Jose W. Fernandez "
        "and Chile's Minister of Mining Aurora Williams signed a memorandum of understanding "
        "on critical minerals in Santiago today.\n"
    )
    result = run(vocab, text, publisher="U.S. Department of State")
    assert sorted(signers(result)) == [
        ("Aurora Williams", "CL", "Minister of Mining", "signatory"),
        (
            "Jose W. Fernandez",
            "US",
            "Under Secretary for Economic Growth, Energy, and the Environment",
            "signatory",
        ),
    ]
    assert result.proposal["signed_place"] == "Santiago"


def test_portfolios_in_apposition_after_the_name_and_after_signed_by(vocab):
    text = (
        "Canada and Japan sign MoC on battery supply chain\n"
        "OTTAWA, Sept. 21, 2023 /CNW/ - Today, the Honourable François-Philippe Champagne, "
        "Minister of Innovation, Science and Industry, and Nishimura Yasutoshi, Japan's "
        "Minister of Economy, Trade and Industry, signed a Memorandum of Cooperation on "
        "battery supply chains in Ottawa.\n"
    )
    result = run(vocab, text, dt.date(2023, 9, 21), publisher="Government of Canada")
    assert sorted(signers(result)) == [
        (
            "François-Philippe Champagne",
            "CA",
            "Minister of Innovation, Science and Industry",
            "signatory",
        ),
        ("Nishimura Yasutoshi", "JP", "Minister of Economy, Trade and Industry", "signatory"),
    ]
    text = (
        "EU and Rwanda sign MoU\n"
        "The MoU was signed by Commissioner for International Partnerships Jutta Urpilainen "
        "and Rwanda's Minister of Foreign Affairs and International Cooperation, Vincent "
        "Biruta, in Brussels today.\n"
    )
    result = run(vocab, text, publisher="European Commission")
    assert sorted(signers(result)) == [
        ("Jutta Urpilainen", "EU", "Commissioner for International Partnerships", "signatory"),
        (
            "Vincent Biruta",
            "RW",
            "Minister of Foreign Affairs and International Cooperation",
            "signatory",
        ),
    ]


def test_a_year_before_and_is_not_a_range_of_days():
    from agreements.extraction.dates import find_dates

    text = "signed on the 5th of June 2023 and 3 March; met on 17 and 18 July"
    found = [(d.quote, d.value) for d in find_dates(text, 0, len(text), dt.date(2023, 7, 20))]
    assert found == [
        ("5th of June 2023", dt.date(2023, 6, 5)),
        ("3 March", dt.date(2023, 3, 3)),
        ("18 July", None),
    ]


# ---------------------------------------------------------------------------
# Rules generalised on the third batch of development releases
# ---------------------------------------------------------------------------


def test_lower_case_offices_and_the_body_of_a_party(vocab):
    text = (
        "EU and Mongolia sign MoU\n"
        "The MoU on critical raw materials was signed by Jane Doe, executive vice-president "
        "of the European Commission, and John Roe, Mongolia's Minister of Mining, Industry "
        "and Trade.\n"
    )
    assert sorted(signers(run(vocab, text))) == [
        ("Jane Doe", "EU", "executive vice-president of the European Commission", "signatory"),
        ("John Roe", "MN", "Minister of Mining, Industry and Trade", "signatory"),
    ]


def test_portfolio_joined_by_and_before_the_head(vocab):
    text = (
        "Chile and Peru sign MoU\n"
        "Chilean Mining and Energy Minister Ana Torres and Peruvian Foreign Minister Luis "
        "Vega signed a memorandum of understanding on copper.\n"
    )
    assert sorted(signers(run(vocab, text))) == [
        ("Ana Torres", "CL", "Mining and Energy Minister", "signatory"),
        ("Luis Vega", "PE", "Foreign Minister", "signatory"),
    ]


def test_country_qualifier_of_secretary_of_state_is_dropped(vocab):
    text = (
        "US and Norway sign MoU\n"
        "US Secretary of State Mary Major and Norwegian Foreign Minister Ola Berg signed a "
        "memorandum of understanding on critical minerals.\n"
    )
    assert ("Mary Major", "US", "Secretary of State", "signatory") in signers(run(vocab, text))


@pytest.mark.parametrize(
    "address, name",
    [
        ("Datuk Seri", "Aziz Rahman"),
        ("Tan Sri", "Aziz Rahman"),
        ("Dato'", "Aziz Rahman"),
        ("", "Sri Wahyuni Putri"),  # alone, "Sri" is a given name
    ],
)
def test_malay_forms_of_address(vocab, address, name):
    text = (
        "Malaysia and Japan sign MoU\n"
        f"Malaysian Prime Minister {address} {name} and Japanese Prime Minister Taro Sato "
        "signed a memorandum of understanding on rare earths.\n"
    ).replace("  ", " ")
    found = {s[0]: s for s in signers(run(vocab, text))}
    assert found[name] == (name, "MY", "Prime Minister", "signatory")


def test_organisations_and_bare_names_are_not_signatories(vocab):
    text = (
        "Pakistan and US sign MoU\n"
        "US Ambassador John Doe signed the MoU with Pakistan's Frontier Roads Organisation "
        "on critical minerals.\n"
    )
    assert [s[0] for s in signers(run(vocab, text))] == ["John Doe"]
    text = (
        "Germany and Uzbekistan sign accords\n"
        "After the talks, Anna Weber and Rustam Aliev signed a joint declaration on "
        "critical minerals.\n"
    )
    result = run(vocab, text)
    assert signers(result) == []  # neither office nor country: named in a warning
    assert any("Anna Weber" in w for w in result.warnings)


def test_signing_before_the_news_is_background(vocab):
    text = (
        "Kazakhstan and EU adopt roadmap\n"
        "In early November, Kazakh Prime Minister Aidar Bekov and Commission President Jane "
        "Doe signed a memorandum of understanding on raw materials.\n"
        "Today the two sides endorsed the partnership roadmap to implement the memorandum.\n"
    )
    result = run(vocab, text, dt.date(2023, 5, 19))
    assert signers(result) == []
    assert result.proposal["signed_on"] is None
    assert result.proposal["kind"] == "roadmap"
    text = (
        "UAE and US sign framework\n"
        "The UAE said it has signed a framework with the US on critical minerals.\n"
        "US Under Secretary John Doe visited Abu Dhabi for last month's signing.\n"
    )
    assert signers(run(vocab, text, dt.date(2026, 2, 6))) == []


def test_approving_a_signing_is_not_signing(vocab):
    text = (
        "Cabinet approves MoU between India and Brazil\n"
        "The Cabinet on Wednesday gave its approval for signing of a memorandum of "
        "understanding between India and Brazil on geology and mineral resources.\n"
    )
    result = run(vocab, text, dt.date(2020, 1, 22))
    assert result.proposal["signed_on"] is None
    assert result.proposal["status"] == "planned"


def test_undated_signing_takes_the_day_and_place_of_the_lead(vocab):
    text = (
        "Korea and Tanzania sign critical minerals MoU\n"
        "The two presidents held a summit at the presidential office in central Seoul on "
        "Sunday.\n"
        "The two sides signed a memorandum of understanding on critical minerals.\n"
    )
    result = run(vocab, text, dt.date(2024, 6, 3))
    assert result.proposal["signed_on"] == "2024-06-02"
    assert result.proposal["signed_place"] == "Seoul"
    for lead in (
        # an announcement, a bare date line, a date two weeks old: no date for the signing
        "The two presidents announced the deals after their summit in Seoul on Sunday.\n",
        "June 3, 2024\n",
        "The two presidents held a summit on May 20.\n",
    ):
        text = (
            "Korea and Tanzania sign critical minerals MoU\n"
            + lead
            + "The two sides signed a memorandum of understanding on critical minerals.\n"
        )
        assert run(vocab, text, dt.date(2024, 6, 3)).proposal["signed_on"] is None, lead


@pytest.mark.parametrize(
    "sentence",
    [
        "OSLO, Jan 12 (Newswire) - Norway has signed a memorandum on minerals with Chile.",
        "Norway has signed a memorandum on minerals with Chile, according to a statement "
        "released on Friday.",
        "Norway and Chile signed a memorandum on minerals, the minister informed here on Friday.",
        "Norway and Chile signed a memorandum on minerals ahead of a fair that will take "
        "place 10−12 January.",
    ],
)
def test_dates_of_the_report_or_to_come_do_not_date_the_signing(vocab, sentence):
    text = "Norway and Chile sign memorandum\n" + sentence + "\n"
    assert run(vocab, text, dt.date(2024, 1, 12)).proposal["signed_on"] is None


def test_the_same_day(vocab):
    text = (
        "Japan and Chile revise mining memorandum\n"
        "Japan added lithium to its mining cooperation with Chile, the ministry said on "
        "Friday.\n"
        "The ministry hopes the collaboration will secure supplies.\n"
        "A signing ceremony for the revised memorandum was held in Tokyo the same day.\n"
    )
    result = run(vocab, text, dt.date(2024, 6, 14))
    assert result.proposal["signed_on"] == "2024-06-14"
    assert result.proposal["signed_place"] == "Tokyo"


@pytest.mark.parametrize(
    "where, place",
    [
        ("in the Canadian capital of Ottawa", "Ottawa"),
        ("in Peruvian capital Lima", "Lima"),
        ("in downtown Nairobi", "Nairobi"),
        ("at the British Embassy in Nairobi", ""),  # the embassy's city, not the signing's
    ],
)
def test_places_after_capital_and_bodies(vocab, where, place):
    text = (
        "Kenya and UK sign MoU\n"
        f"Kenya and the United Kingdom today signed a memorandum on critical minerals {where}.\n"
    )
    assert run(vocab, text, dt.date(2024, 3, 5)).proposal["signed_place"] == place


def test_a_city_of_an_earlier_occasion_is_not_the_place(vocab):
    text = (
        "EU and Zambia sign partnership\n"
        "As a follow-up to the summit in Nairobi in September 2023, the EU and Zambia today "
        "signed a memorandum of understanding on raw materials.\n"
    )
    assert run(vocab, text, dt.date(2023, 10, 26)).proposal["signed_place"] == ""


@pytest.mark.parametrize(
    "body, kind",
    [
        # a generic noun in the headline yields to the specific one of the body
        (
            "Two firms sign agreement on minerals\nKenya's mining firm signed a memorandum "
            "of understanding (MoU) with a Korean agency on lithium.",
            "memorandum_of_understanding",
        ),
        # a named instrument described by a common noun: the common noun is the head
        (
            "Kenya and Japan sign deal\nThe ministers inked the Bilateral Dialogue on "
            "Critical Minerals agreement on Monday.",
            "agreement",
        ),
        # "memo", the wire's short form
        (
            "Kenya and Japan sign memo on minerals\nThe memo said Kenya and Japan will work "
            "on lithium.",
            "memorandum_of_understanding",
        ),
    ],
)
def test_kind_nouns_in_compounds_and_generic_nouns(vocab, body, kind):
    assert run(vocab, body + "\n", dt.date(2024, 6, 15)).proposal["kind"] == kind


def test_with_in_a_title_case_headline_names_the_actor(vocab):
    text = (
        "Saudi Arabia Signs Mous With Chile, Canada, Brazil\n"
        "Saudi Arabia signed three memoranda of understanding on mineral resources with "
        "Chile, Canada, and Brazil.\n"
    )
    result = run(vocab, text, dt.date(2026, 1, 13), publisher="Qatar News Agency")
    assert parties(result) == ["BR", "CA", "CL", "SA"]


# -- issue 14: rules found on the releases added then ---------------------------------


def test_washington_dc_keeps_its_abbreviation(vocab):
    text = (
        "Ukraine and US sign minerals agreement\n"
        "The agreement was signed in Washington, D.C., after months of talks between Ukraine "
        "and the United States.\n"
    )
    assert normalise_place(run(vocab, text, dt.date(2025, 4, 30)).proposal["signed_place"]) == (
        "washington dc"
    )


@pytest.mark.parametrize(
    "sentence",
    [
        # a dateline opening the sentence dates the report
        "Washington DC [US], October 4 : The minister stated on Friday that India and the US "
        "had signed an MoU on critical minerals.",
        # the report's day restated in brackets
        "India and the US have signed an MoU on critical minerals, the ministry said on "
        "Thursday (October 3).",
        # the edge of a period
        "India and the US signed an MoU on critical minerals at the forum, which runs until "
        "Thursday.",
        # a clause about the subject's other doings
        "The minister, who arrived in Washington on Monday, signed an MoU on critical minerals "
        "with the United States.",
    ],
)
def test_dates_that_are_not_the_signing_day(vocab, sentence):
    text = "India and US sign critical minerals MoU\n" + sentence + "\n"
    assert run(vocab, text, dt.date(2024, 10, 4)).proposal["signed_on"] is None


def test_the_minister_signed_stands_for_the_minister_named_before(vocab):
    text = (
        "Morocco and US sign critical minerals MoU\n"
        "The Minister of Foreign Affairs of Morocco, Nasser Bourita, spoke at a meeting on "
        "critical minerals in Washington.\n"
        "On the sidelines of this meeting, the minister signed a memorandum of understanding "
        "with the United States on critical minerals.\n"
    )
    result = run(vocab, text, dt.date(2026, 2, 5))
    assert ("Nasser Bourita", "MA", "Minister of Foreign Affairs", "signatory") in signers(result)
    assert result.proposal["signed_place"] == "Washington"


def test_a_clause_between_subject_and_verb(vocab):
    text = (
        "Chile and US sign joint statement\n"
        "US Deputy Secretary of State Christopher Landau spoke to journalists in Santiago.\n"
        "Landau, who previously served as US ambassador to Mexico, signed the agreement with "
        "Chilean Minister of Foreign Affairs Francisco Perez Mackenna in a Santiago ceremony.\n"
    )
    result = run(vocab, text, dt.date(2026, 3, 13))
    names = {s[0] for s in signers(result) if s[3] == "signatory"}
    assert names == {"Christopher Landau", "Francisco Perez Mackenna"}
    assert parties(result) == ["CL", "US"]
    assert result.proposal["signed_place"] == "Santiago"


def test_fuller_name_of_the_same_noun_gives_the_kind(vocab):
    text = (
        "Kazakhstan, France sign joint declaration on strategic minerals\n"
        "The presidents of Kazakhstan and France have signed a joint declaration of intent on "
        "cooperation on strategic minerals.\n"
    )
    assert run(vocab, text, dt.date(2023, 11, 1)).proposal["kind"] == "statement_of_intent"


def test_negotiated_memorandum_and_a_meeting_named_dialogue(vocab):
    text = (
        "India, US to discuss critical minerals pact\n"
        "India and the US are negotiating a pact on critical minerals.\n"
        '"The two sides are negotiating a MoU on critical mineral supply chains," it said.\n'
        "The minister will co-chair the 6th India-USA Commercial Dialogue on October 3.\n"
    )
    result = run(vocab, text, dt.date(2024, 9, 30))
    assert result.proposal["kind"] == "memorandum_of_understanding"
    assert result.proposal["signed_on"] is None


def test_company_names_are_not_signatories(vocab):
    text = (
        "Korea and Peru sign MOUs\n"
        "HD Hyundai Heavy Industries signed an MOU with Peru's state-owned shipyard on "
        "Saturday in Lima.\n"
    )
    assert not [s for s in signers(run(vocab, text, dt.date(2024, 11, 17))) if s[3] == "signatory"]


@pytest.mark.parametrize(
    "sentence",
    [
        "The signing of the memorandum on rare metals between Japan and Kazakhstan is "
        "scheduled for Tuesday in Astana.",
        "The signing ceremony of the Japan-Kazakhstan memorandum on rare metals will take "
        "place on Tuesday in Astana.",
        "Japan and Kazakhstan prepared a memorandum on rare metals for signing on Tuesday.",
        "Japan and Kazakhstan could sign a memorandum on rare metals on Tuesday, officials said.",
        "Japan and Kazakhstan hope to sign a memorandum on rare metals on Tuesday.",
    ],
)
def test_signings_to_come_are_not_dated_or_placed(vocab, sentence):
    text = "Japan, Kazakhstan rare metals cooperation\n" + sentence + "\n"
    proposal = run(vocab, text, dt.date(2025, 1, 15)).proposal
    assert proposal["signed_on"] is None
    assert proposal["signed_place"] == ""


def test_signed_on_behalf_of_each_government(vocab):
    text = (
        "Chile and Japan sign minerals MoU\n"
        "Aurora Williams signed on behalf of the Government of Chile and Ken Saito on behalf "
        "of the Government of Japan.\n"
    )
    got = {
        (s[0], s[1]) for s in signers(run(vocab, text, dt.date(2025, 1, 15))) if s[3] == "signatory"
    }
    assert got == {("Aurora Williams", "CL"), ("Ken Saito", "JP")}


def test_witnessed_the_signing_of_the_memorandum_by(vocab):
    text = (
        "Chile and Japan sign minerals MoU\n"
        "President Gabriel Boric and Prime Minister Fumio Kishida witnessed the signing of the "
        "memorandum by Mining Minister Aurora Williams and Ambassador Yasuhiro Kobayashi.\n"
    )
    roles = {s[0]: s[3] for s in signers(run(vocab, text, dt.date(2025, 1, 15)))}
    assert roles == {
        "Gabriel Boric": "witness",
        "Fumio Kishida": "witness",
        "Aurora Williams": "signatory",
        "Yasuhiro Kobayashi": "signatory",
    }


def test_signers_of_the_other_instruments_are_not_signatories(vocab):
    text = (
        "Zambia signs six MoUs with India\n"
        "The two leaders witnessed the signing of six Memorandum of Understanding between "
        "Zambia and India.\n"
        "Foreign Affairs Minister Joseph Malanji signed the MoU of Cooperation on Defence and "
        "Security, Art and Culture, Diplomacy and Health.\n"
        "Electoral Commission of Zambia Chairman Justice Esau Chulu signed on Elections and "
        "Mines Minister Richard Musukwa signed on mining and Geology.\n"
    )
    got = [s[0] for s in signers(run(vocab, text, dt.date(2019, 8, 22))) if s[3] == "signatory"]
    assert got == ["Richard Musukwa"]


@pytest.mark.parametrize(
    "sentence",
    [
        # where an asset is, not where the signing was
        "Australia and Korea today signed a memorandum of understanding on critical minerals "
        "that will support a new processing plant in Perth.",
        # a news agency's bureau reporting a signing days before (Friday, Jan 10)
        "SEOUL, Jan 15 (Yonhap) -- Australia and Korea signed a memorandum of understanding on "
        "critical minerals on Friday, the ministry said.",
        # the dateline's city, but the lead tells of a visit to the other country
        "SEOUL, Jan 15 (Yonhap) -- During a visit to Australia, the minister and his "
        "Australian counterpart signed a memorandum of understanding on critical minerals "
        "yesterday.",
    ],
)
def test_places_that_are_not_the_signing_place(vocab, sentence):
    text = "Australia and Korea sign critical minerals MoU\n" + sentence + "\n"
    assert run(vocab, text, dt.date(2025, 1, 15)).proposal["signed_place"] == ""


def test_a_bureau_dateline_places_a_signing_of_the_day_before(vocab):
    """ "BEIJING, Sept. 28 (Xinhua) -- ... on Wednesday signed": reported the next day from
    the city, with no place of its own, the signing is placed at the dateline."""
    text = (
        "China, South Africa sign deals on mineral resources\n"
        "BEIJING, Sept. 28 (Xinhua) -- China and South Africa on Wednesday signed a memorandum "
        "of understanding on geology and mineral resources cooperation.\n"
    )
    result = run(vocab, text, dt.date(2011, 9, 29))
    assert result.proposal["signed_on"] == "2011-09-28"
    assert result.proposal["signed_place"] == "Beijing"


@pytest.mark.parametrize(
    "body",
    [
        "Korea and Mongolia held the first meeting of their Rare Metals Joint Committee in Seoul "
        "on Tuesday. The committee was set up under the memorandum of understanding signed by "
        "the two countries.",
        "Officials of Korea and Mongolia met in Seoul on Tuesday to review the implementation "
        "of the memorandum of understanding on rare metals they had signed.",
    ],
)
def test_an_instrument_already_in_place_is_not_dated_by_the_news(vocab, body):
    text = "Korea, Mongolia hold rare metals committee\n" + body + "\n"
    proposal = run(vocab, text, dt.date(2025, 1, 15)).proposal
    assert proposal["signed_on"] is None


def test_the_two_ministers_signed(vocab):
    text = (
        "Chile and Japan sign minerals MoU\n"
        "Chile's Minister of Mining Aurora Williams met Japan's Minister of Economy, Trade and "
        "Industry Ken Saito in Tokyo on Tuesday.\n"
        "The two ministers signed a memorandum of understanding on critical minerals.\n"
    )
    got = {
        (s[0], s[1]) for s in signers(run(vocab, text, dt.date(2025, 1, 15))) if s[3] == "signatory"
    }
    assert got == {("Aurora Williams", "CL"), ("Ken Saito", "JP")}


# -- dates that belong to something else (issue 14, second pass) --------------------


@pytest.mark.parametrize(
    "body",
    [
        # a signing months before the news is background to it
        "Building on the MoU signed on 12 June 2019, India and Australia today launched a "
        "critical minerals roadmap.",
        "Since the MoU was signed on 4 June 2020, the two countries have held three dialogues.",
        # another event's verb stands between the signing and the date
        "The MoU, signed by the two ministers, follows the first ministerial dialogue held on "
        "3 March in Canberra.",
        "The agreement was signed in New Delhi and announced on Thursday.",
        "Today marks one year since India and Australia signed an MoU on critical minerals.",
        # a side clause closing the sentence
        "The two countries signed an MoU on critical minerals on the sidelines of the summit, "
        "which opened on Tuesday.",
        # "signed" modifies the instrument; the date is the main verb's
        "The Union Cabinet was apprised on Wednesday of the MoU signed between India and "
        "Australia.",
        "The ministers, meeting on Thursday, welcomed the MoU signed by the two agencies.",
        # some other deal
        "India and Australia signed an MoU on critical minerals. Australia signed a similar "
        "agreement with Japan on 2 October.",
        # two days
        "During his visit to New Delhi on Wednesday and Thursday, the minister signed an MoU "
        "on critical minerals.",
        # a weekend names no day; the day the instrument takes effect is not the signing's
        "India and Australia signed an MoU on critical minerals at the weekend, on the "
        "sidelines of a summit on Saturday and Sunday.",
        "India and Australia signed an MoU on critical minerals, effective from 1 October.",
        # a signing put as a condition is not reported
        "Once signed on Tuesday, the MoU on critical minerals will open joint exploration.",
        # a span of days with months on both ends
        "The MoU on critical minerals was signed during the Prime Minister's visit to New "
        "Delhi from September 30 to October 2.",
    ],
)
def test_dates_of_other_events_do_not_date_the_signing(vocab, body):
    text = "India and Australia sign critical minerals MoU\n" + body + "\n"
    assert run(vocab, text, dt.date(2024, 10, 4)).proposal["signed_on"] is None


@pytest.mark.parametrize(
    "body, day",
    [
        ("The MoU signed on Thursday builds on the joint statement of 10 March 2022.", "10-03"),
        (
            "The memorandum, signed on 30 September at the embassy, was published on Thursday.",
            "09-30",
        ),
        (
            "India and Australia on Thursday signed an MoU on critical minerals, a year after "
            "signing a joint statement on 4 October 2023.",
            "10-03",
        ),
        (
            "The ministers met in Canberra on Tuesday and signed an MoU on critical minerals.",
            "10-01",
        ),
        ("The MoU, which was signed on Tuesday, covers lithium and cobalt.", "10-01"),
    ],
)
def test_dates_in_the_signing_clause_still_date_it(vocab, body, day):
    text = "India and Australia sign critical minerals MoU\n" + body + "\n"
    assert run(vocab, text, dt.date(2024, 10, 4)).proposal["signed_on"] == "2024-" + day


@pytest.mark.parametrize(
    "lead",
    [
        # the first account of the lead is undated: a later sentence's day is not the lead's
        "The MoU was signed by the two ministers in New Delhi.\n"
        "The minister met Prime Minister Modi on Wednesday.\n",
        # a visit of several days names no single day
        "On Tuesday, the minister arrived in New Delhi for a three-day visit.\n",
    ],
)
def test_the_lead_dates_an_undated_signing_only_from_its_first_account(vocab, lead):
    text = (
        "India and Australia sign critical minerals MoU\n"
        + lead
        + "The two countries signed an MoU on critical minerals.\n"
    )
    assert run(vocab, text, dt.date(2024, 10, 4)).proposal["signed_on"] is None


# -- minerals in the background of their clause (issue 14, second pass) --------------


@pytest.mark.parametrize(
    "body, minerals",
    [
        # a verb or idiom spelt like a metal
        ("The MoU will lead to closer cooperation on critical minerals.", []),
        ("The minister will lead a delegation to implement the agreement.", []),
        ("The agreement will help iron out differences on trade.", []),
        # endowment, output or market just before the mineral, in its clause
        ("The agreement comes as China dominates the processing of rare earths.", []),
        (
            "Australia, which holds large reserves of nickel and cobalt, signed the agreement "
            "to diversify supply chains.",
            [],
        ),
        ("Prices of lithium have fallen sharply since the agreement was first discussed.", []),
        # what minerals are for, said after them
        (
            "The agreement matters because critical minerals such as lithium and cobalt are "
            "essential for electric vehicle batteries.",
            [],
        ),
        # the background is in another clause: the mineral is covered
        (
            "The accord ensures deeper cooperation on the mining of metals such as lithium, of "
            "which Australia has the world's largest reserves.",
            ["lithium"],
        ),
        ("The MoU covers lithium, which Australia produces in large quantities.", ["lithium"]),
        ("The MoU provides for joint exploration of lead and zinc deposits.", ["lead", "zinc"]),
        # what the parties will do together names the scope
        (
            "The two sides will cooperate in the exploration and processing of lithium, cobalt "
            "and nickel.",
            ["cobalt", "lithium", "nickel"],
        ),
        (
            "Areas of cooperation include rare earths and graphite.",
            ["graphite", "rare-earth-elements"],
        ),
        # a country the agreement turns away from is no other deal
        (
            "The MoU covers lithium and rare earths and aims to reduce dependence on China.",
            ["lithium", "rare-earth-elements"],
        ),
        ("Australia signed a similar MoU on lithium with Japan last year.", []),
    ],
)
def test_minerals_in_the_background_of_their_clause(vocab, body, minerals):
    text = (
        "India and Australia sign critical minerals MoU\n"
        "India and Australia signed an MoU on critical minerals on Thursday.\n" + body + "\n"
    )
    result = run(vocab, text, dt.date(2024, 10, 4))
    assert sorted(m["mineral"] for m in result.proposal["minerals"]) == minerals


# -- who signed: subjects of other phrases (issue 14, second pass) -------------------


@pytest.mark.parametrize(
    "body, expected",
    [
        # "signed" modifies the instrument: the person before it did something else
        ("Minister Pralhad Joshi welcomed the MoU signed by the two agencies.", []),
        # the object of "talks with" before the subject
        (
            "After talks with Prime Minister Narendra Modi, Australian Prime Minister Anthony "
            "Albanese signed the MoU.",
            [("Anthony Albanese", "AU")],
        ),
        # "Associate" and "Acting" qualify an office; the demonym before them gives the party
        (
            "Australian Associate Secretary of Resources Jane Doe signed the MoU with Indian "
            "Acting Secretary of Mines John Roe.",
            [("Jane Doe", "AU"), ("John Roe", "IN")],
        ),
    ],
)
def test_people_of_other_phrases_are_not_signatories(vocab, body, expected):
    text = "India and Australia sign critical minerals MoU\n" + body + "\n"
    result = run(vocab, text, dt.date(2024, 10, 4))
    assert sorted((s[0], s[1]) for s in signers(result) if s[3] == "signatory") == expected


# -- kind: the specific name of the instrument (issue 14, second pass) -----------------


@pytest.mark.parametrize(
    "body, kind",
    [
        # a generic noun acted on, one specific name elsewhere: the specific name tells
        (
            "Australia and Korea have created a new agreement on critical minerals.\n"
            "The memorandum of understanding on cooperation in critical mineral supply "
            "chains comes as the President visits Australia.\n",
            "memorandum_of_understanding",
        ),
        # "Energy" in an office before the verb does not make the object another instrument
        (
            "Australia and Canada have signed an agreement on critical minerals.\n"
            "Canadian Minister for Resources and Energy Tim Hodgson signed the Joint "
            "Declaration of Intent on Critical Minerals Collaboration with Australia.\n",
            "statement_of_intent",
        ),
        # nothing acted on clearly: the one specific name the release gives
        (
            "The Cabinet has given its approval for the Memorandum of Understanding to be "
            "signed between the geological surveys of Australia and Korea.\n",
            "memorandum_of_understanding",
        ),
    ],
)
def test_the_specific_name_of_the_instrument_gives_the_kind(vocab, body, kind):
    text = "Australia and Korea: critical minerals\n" + body
    assert run(vocab, text, dt.date(2024, 10, 4)).proposal["kind"] == kind


# -- places: where someone spoke, a dateline over an explicit date (issue 14, second pass)


@pytest.mark.parametrize(
    "body",
    [
        # the city where the minister spoke, a reporting verb away from the signing
        "Speaking in Sydney, the minister said India and Australia had signed an MoU on "
        "critical minerals.",
        # a dateline places a signing told as 'today', not one dated explicitly
        "CANBERRA – India and Australia have signed an MoU on critical minerals at an Oct. 4 "
        "meeting, the ministry reported.",
    ],
)
def test_places_of_the_report_are_not_the_signing_place(vocab, body):
    text = "India and Australia sign critical minerals MoU\n" + body + "\n"
    assert run(vocab, text, dt.date(2024, 10, 4)).proposal["signed_place"] == ""


def test_a_dateline_places_a_signing_told_as_today(vocab):
    text = (
        "India and Australia sign critical minerals MoU\n"
        "CANBERRA – India and Australia today signed an MoU on critical minerals.\n"
    )
    assert run(vocab, text, dt.date(2024, 10, 4)).proposal["signed_place"] == "Canberra"


@pytest.mark.parametrize(
    "body, expected",
    [
        # the side each signer signs for, told before the office
        (
            "The document was signed on the Indian side by Mines Minister Pralhad Joshi and on "
            "the Australian side by Resources Minister Madeleine King.",
            [("Madeleine King", "AU"), ("Pralhad Joshi", "IN")],
        ),
        (
            "Signing for India was Mines Minister Pralhad Joshi, while Resources Minister "
            "Madeleine King signed for Australia.",
            [("Madeleine King", "AU"), ("Pralhad Joshi", "IN")],
        ),
        # a body and the person representing it
        (
            "The MoU was signed between India's Ministry of Mines, represented by Secretary "
            "Kantha Rao, and Australia's Department of Industry, represented by Secretary "
            "Meghan Quinn.",
            [("Kantha Rao", "IN"), ("Meghan Quinn", "AU")],
        ),
        # the antecedent of "who signed"
        (
            "The signing was attended by Australia's Resources Minister Madeleine King, who "
            "also signed the MoU, saying it would create jobs.",
            [("Madeleine King", "AU")],
        ),
    ],
)
def test_signers_told_by_side_representation_or_relative_clause(vocab, body, expected):
    text = "India and Australia sign critical minerals MoU\n" + body + "\n"
    result = run(vocab, text, dt.date(2024, 10, 4))
    assert sorted((s[0], s[1]) for s in signers(result) if s[3] == "signatory") == expected


def test_the_headline_signing_is_dated_by_a_today_about_the_instrument(vocab):
    base = "Canada and Japan Sign Critical Minerals MoU\nThe two countries have long cooperated.\n"
    other = base + "Today, the minister also visited a lithium mine and launched a research fund.\n"
    assert run(vocab, other, dt.date(2024, 10, 4)).proposal["signed_on"] is None
    about = base + "Today, the ministers announced a memorandum of understanding on minerals.\n"
    assert run(vocab, about, dt.date(2024, 10, 4)).proposal["signed_on"] == "2024-10-04"


@pytest.mark.parametrize(
    "body, expected",
    [
        # the person met after or during the signing is not a co-signer
        (
            "Mines Minister Pralhad Joshi signed the MoU after a meeting with Australian Prime "
            "Minister Anthony Albanese.",
            [("Pralhad Joshi", None)],
        ),
        (
            "Mines Minister Pralhad Joshi signed the MoU and later met with Australian Prime "
            "Minister Anthony Albanese.",
            [("Pralhad Joshi", None)],
        ),
        # "signed ... with <country>": the signer is the other party's
        (
            "Mines Minister Pralhad Joshi signed the MoU with Australia in the presence of "
            "Australian Prime Minister Anthony Albanese.",
            [("Pralhad Joshi", "IN")],
        ),
    ],
)
def test_with_a_meeting_or_a_country(vocab, body, expected):
    text = "India and Australia sign critical minerals MoU\n" + body + "\n"
    result = run(vocab, text, dt.date(2024, 10, 4))
    assert sorted((s[0], s[1]) for s in signers(result) if s[3] == "signatory") == expected


def test_the_signatories_for_a_party_were(vocab):
    text = (
        "EU and Australia sign critical minerals MoU\n"
        "The EU and Australia signed a memorandum of understanding on critical minerals today.\n"
        "The signatories for Australia were Resources Minister Madeleine King, and Minister "
        "for Trade and Tourism Don Farrell.\n"
    )
    result = run(vocab, text, dt.date(2024, 5, 28))
    assert sorted((s[0], s[1], s[2]) for s in signers(result) if s[3] == "signatory") == [
        ("Don Farrell", "AU", "Minister for Trade and Tourism"),
        ("Madeleine King", "AU", "Resources Minister"),
    ]


def test_initials_inside_a_name(vocab):
    text = (
        "Philippines and US sign MoU\n"
        "Secretary of Environment and Natural Resources Raphael P.M. Lotilla signed a "
        "Memorandum of Understanding between the Philippines and the United States.\n"
    )
    names = [s[0] for s in signers(run(vocab, text, dt.date(2026, 2, 6)))]
    assert names == ["Raphael P.M. Lotilla"]


def test_a_dateline_date_before_today_is_no_span(vocab):
    text = (
        "US and Japan sign MoU\n"
        "WASHINGTON, Oct. 3 – Today the ministers of the US and Japan signed a memorandum on "
        "critical minerals.\n"
    )
    assert run(vocab, text, dt.date(2024, 10, 3)).proposal["signed_on"] == "2024-10-03"


def test_union_minister_is_an_office(vocab):
    text = (
        "India and Australia sign critical minerals MoU\n"
        "The MoU was signed by Pralhad Joshi, Union Minister of Coal and Mines, and Madeleine "
        "King, Australian Minister for Resources.\n"
    )
    result = run(vocab, text, dt.date(2024, 10, 4))
    assert sorted((s[0], s[1], s[2]) for s in signers(result)) == [
        ("Madeleine King", "AU", "Minister for Resources"),
        ("Pralhad Joshi", "IN", "Union Minister of Coal and Mines"),
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (  # forms of address and "Title, Ministry of X, Government of Y" appositions
            "The MoU was signed by Shri Arun Vema, Secretary, Ministry of Mines, Government "
            "of India and H.E. Mr. Juan Pablo Ruiz, Minister of Mines and Energy, Republic of "
            "Colombia, at New Delhi.",
            [
                ("Arun Vema", "IN", "Secretary, Ministry of Mines", "signatory"),
                ("Juan Pablo Ruiz", "CO", "Minister of Mines and Energy", "signatory"),
            ],
        ),
        (
            "The agreement was signed by Dr. Ada Okon, Minister of Mines of Nigeria, and Ms. "
            "Rosa Lemos, Deputy Minister of Energy of Peru.",
            [
                ("Ada Okon", "NG", "Minister of Mines", "signatory"),
                ("Rosa Lemos", "PE", "Deputy Minister of Energy", "signatory"),
            ],
        ),
        (  # "Minister X of <country>"
            "Minister Rosa Lemos of Peru and Minister Jon Wilks of Canada signed the memorandum.",
            [
                ("Jon Wilks", "CA", "Minister", "signatory"),
                ("Rosa Lemos", "PE", "Minister", "signatory"),
            ],
        ),
        (  # a counterpart named with an office, two-word country adjective
            "The memorandum of understanding was signed by Energy Minister Budi Lahad and his "
            "South Korean counterpart, Trade Minister Ahn Duk-geun.",
            [
                ("Ahn Duk-geun", "KR", "Trade Minister", "signatory"),
                ("Budi Lahad", None, "Energy Minister", "signatory"),  # no country named
            ],
        ),
        (  # agents after the witnesses; initials opening a name
            "The memorandum was signed in the presence of President Joko Wirawan by Indonesian "
            "Trade Minister Budi Santo and Australian Trade Minister D.J. Farrow.",
            [
                ("Budi Santo", "ID", "Trade Minister", "signatory"),
                ("D.J. Farrow", "AU", "Trade Minister", "signatory"),
                ("Joko Wirawan", None, "President", "witness"),
            ],
        ),
        (
            "Prime Minister Ravi Sen and President Juan Mora witnessed the signing of the MoU by "
            "Indian Mines Secretary V.L. Kantha Rao and Argentine Mining Secretary Luis Lucas.",
            [
                ("Juan Mora", None, "President", "witness"),
                ("Luis Lucas", "AR", "Mining Secretary", "signatory"),
                ("Ravi Sen", None, "Prime Minister", "witness"),
                ("V.L. Kantha Rao", "IN", "Mines Secretary", "signatory"),
            ],
        ),
        (  # "for <party>" and "on behalf of <party> by" between the people of a by-list
            "The memorandum was signed by Minister of Natural Resources Jon Wilks for Canada "
            "and by Minister Rosa Lemos for Peru.",
            [
                ("Jon Wilks", "CA", "Minister of Natural Resources", "signatory"),
                ("Rosa Lemos", "PE", "Minister", "signatory"),
            ],
        ),
        (
            "The agreement was signed on behalf of Argentina by the Minister of Economy Luis "
            "Capo and on behalf of the United States by Secretary of Commerce Howard Lutz.",
            [
                ("Howard Lutz", "US", "Secretary of Commerce", "signatory"),
                ("Luis Capo", "AR", "Minister of Economy", "signatory"),
            ],
        ),
        (  # an envoy's party is the country sent from, not the host
            "Zambia and Japan signed an agreement on copper. It was signed by the Minister of "
            "Mines, Mr. Paul Kabu, and the Ambassador of Japan to Zambia, Mr. Takeshi Matsu.",
            [
                ("Paul Kabu", "ZM", "Minister of Mines", "signatory"),  # the other party
                ("Takeshi Matsu", "JP", "Ambassador of Japan to Zambia", "signatory"),
            ],
        ),
        (  # each side represented in its own clause; "sealed" is a signing
            "Tanzania and Korea sealed an MoU on critical minerals. Signing on behalf of "
            "Tanzania was Minister for Minerals Anthony Mava, while Korea was represented by "
            "Vice Minister Choi Nam-ho.",
            [
                ("Anthony Mava", "TZ", "Minister for Minerals", "signatory"),
                ("Choi Nam-ho", "KR", "Vice Minister", "signatory"),
            ],
        ),
        (  # an envoy of an embassy; "on behalf of the Government of <party>" in a by-list
            "The MoU was signed in Islamabad by Pakistan's Federal Minister for Petroleum Ali "
            "Pervaiz Malik and the Chargé d'Affaires of the US Embassy Natalie Bake.",
            [
                ("Ali Pervaiz Malik", "PK", "Federal Minister for Petroleum", "signatory"),
                ("Natalie Bake", "US", "Chargé d'Affaires of the US Embassy", "signatory"),
            ],
        ),
        (
            "The agreement was signed by Ms. Marie-Claude Bibo, Minister of National Revenue, "
            "on behalf of the Government of Canada, and Mr. Pedro Castro, President of Peru.",
            [
                ("Marie-Claude Bibo", "CA", "Minister of National Revenue", "signatory"),
                ("Pedro Castro", "PE", "President", "signatory"),
            ],
        ),
        (  # a sentence speaking for one side; "Eng." does not end the sentence
            "Saudi Arabia and Jordan signed an MoU on mining. On behalf of Saudi Arabia, the "
            "agreements were signed by Minister of Industry Bandar Alkhor, and Deputy Minister "
            "for Mining Affairs Eng. Khalid Al-Muda.",
            [
                ("Bandar Alkhor", "SA", "Minister of Industry", "signatory"),
                ("Khalid Al-Muda", "SA", "Deputy Minister for Mining Affairs", "signatory"),
            ],
        ),
        (  # "he signed": the person named first in the sentence before; a possessive name
            "Saudi Arabia and Indonesia signed an agreement during Saudi Industry Minister "
            "Bandar Alkhor’s visit to Jakarta. Alkhor arrived on Tuesday. On Thursday, he signed a "
            "memorandum of understanding with Energy Minister Budi Lahad.",
            [
                ("Bandar Alkhor", "SA", "Industry Minister", "signatory"),
                ("Budi Lahad", "ID", "Energy Minister", "signatory"),
            ],
        ),
        (  # "signed between X and his counterpart, Y"
            "Contracts were signed on Thursday between French President Emil Macon and his "
            "Mongolian counterpart, Ukhnaa Khurel.",
            [
                ("Emil Macon", "FR", "President", "signatory"),
                ("Ukhnaa Khurel", "MN", "", "signatory"),
            ],
        ),
    ],
)
def test_signatory_grammar(vocab, sentence, expected):
    """Patterns of official releases written as constructed sentences (fictional names, so
    no known person helps): each signer with the office as written and the party the words
    give, witnesses apart."""
    result = run(vocab, "Memorandum signed\n" + sentence + "\n", dt.date(2025, 6, 10))
    assert sorted(signers(result)) == expected
