"""Regular expressions and constants shared by several field extractors."""

from __future__ import annotations

import re

from .gazetteer import CITY_COUNTRY

#: Agreement nouns -> kind. Order matters: longer, more specific phrases first.
KIND_PATTERNS: list[tuple[str, str]] = [
    (
        r"memorand(?:um|a) of (?:understanding|cooperation|co-operation)|\bMoUs?\b|\bMOUs?\b|"
        r"\bmemos?\b",
        "memorandum_of_understanding",
    ),
    (r"(?:joint )?(?:declaration|statement|letter|protocol) of intent", "statement_of_intent"),
    (r"\bmemorand(?:um|a)\b", "memorandum_of_understanding"),
    (r"joint (?:statement|declaration|communiqu[eé])", "joint_statement"),
    (r"road ?map|plan of action|action plan", "roadmap"),
    (r"framework agreement", "framework"),
    (r"\btreaty\b", "treaty"),
    (r"administrative arrangement|\barrangement\b|\bcompact\b", "other"),
    (r"\bframework\b", "framework"),
    (r"\bpartnership\b", "partnership"),
    (r"\bagreements?\b|\baccord\b|\bdeal\b|\bcontracts\b", "agreement"),
    (r"\bstatement\b", "joint_statement"),
    (r"\bdialogue\b", "other"),
    # "signed a declaration on cooperation in critical minerals"
    (r"\bdeclaration\b", "joint_statement"),
]
KIND_RE = re.compile("|".join(f"(?:{p})" for p, _ in KIND_PATTERNS), re.IGNORECASE)

SIGN_RE = re.compile(
    r"\b(?:signed|signs|sign|signing|inked|inks|initialled|sealed)\b", re.IGNORECASE
)
ACTION_RE = re.compile(
    r"\b(?:released|issued|issues?|set up|sets up|launched|launches|agreed|established|unveiled|"
    r"announced|announces|announce|concluded|adopted|entered into|signed|created|endorsed)\b",
    re.IGNORECASE,
)
MINERAL_TOPIC_RE = re.compile(
    r"critical minerals?|raw materials?|\bminerals?\b|rare earths?|\bmetals\b|mining",
    re.IGNORECASE,
)
MENTION_ONLY_RE = re.compile(
    r"\b(?:including|such as|like|list of|other countries|similar|previous(?:ly)?|"
    r"last year|earlier this year|already|imported from|dominated by|reliance on|"
    r"rely on|away from)\b",
    re.IGNORECASE,
)

CITY_RE = re.compile(
    r"(?<![\w])("
    + "|".join(re.escape(c) for c in sorted(CITY_COUNTRY, key=len, reverse=True))
    + r")(?![\w])"
)
SEVERAL_RE = re.compile(
    r"\b(?:[Oo]ther|several|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+"
    r"(?:MoUs|MOUs|memoranda|[Mm]emorand(?:um|a) of [Uu]nderstanding|agreements|deals)\b"
)
