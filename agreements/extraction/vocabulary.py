"""Names the extractor looks for: parties and minerals (places: gazetteer.py).

The database owns the canonical parties and minerals; the extractor only needs their
names. ``Vocabulary`` carries those names in plain Python so that the extraction core
stays free of Django, and adds the informal forms press releases use ("UK", "Britain",
"U.S.", "Japan's") which nobody stores as a party name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

MINERALS_JSON = Path(__file__).resolve().parents[2] / "minerals" / "data" / "minerals.json"

#: Informal names and demonyms of parties. Only codes present in the vocabulary are used,
#: so a database without, say, Taiwan never matches "Taiwanese".
PARTY_ALIASES: dict[str, tuple[str, ...]] = {
    "GB": ("UK", "U.K.", "Britain", "Great Britain", "United Kingdom", "British"),
    "US": (
        "US",
        "U.S.",
        "USA",
        "U.S.A.",
        "United States",
        "United States of America",
        "America",
        "American",
    ),
    "EU": ("EU", "European Union", "European Commission"),
    "KR": ("South Korea", "Republic of Korea", "Korea", "Korean", "South Korean"),
    "KP": ("North Korea",),
    "JP": ("Japan", "Japanese"),
    "CN": ("China", "Chinese", "People's Republic of China", "PRC"),
    "TW": ("Taiwan", "Taiwanese"),
    "RU": ("Russia", "Russian"),
    "UA": ("Ukraine", "Ukrainian"),
    "DE": ("Germany", "German"),
    "FR": ("France", "French"),
    "IT": ("Italy", "Italian"),
    "ES": ("Spain", "Spanish"),
    "NL": ("the Netherlands", "Netherlands", "Dutch"),
    "BE": ("Belgium", "Belgian"),
    "SE": ("Sweden", "Swedish"),
    "FI": ("Finland", "Finnish"),
    "NO": ("Norway", "Norwegian"),
    "PL": ("Poland", "Polish"),
    "CA": ("Canada", "Canadian"),
    "AU": ("Australia", "Australian"),
    "NZ": ("New Zealand",),
    "IN": ("India", "Indian"),
    "ID": ("Indonesia", "Indonesian"),
    "VN": ("Vietnam", "Viet Nam", "Vietnamese"),
    "PH": ("the Philippines", "Philippines", "Filipino"),
    "MY": ("Malaysia", "Malaysian"),
    "TH": ("Thailand", "Thai"),
    "SG": ("Singapore", "Singaporean"),
    "MN": ("Mongolia", "Mongolian"),
    "KZ": ("Kazakhstan", "Kazakh", "Kazakhstani"),
    "UZ": ("Uzbekistan", "Uzbek"),
    "KG": ("Kyrgyzstan", "Kyrgyz"),
    "TJ": ("Tajikistan", "Tajik"),
    "TM": ("Turkmenistan", "Turkmen"),
    "SA": ("Saudi Arabia", "Kingdom of Saudi Arabia", "Saudi"),
    "AE": ("United Arab Emirates", "UAE", "Emirati"),
    "QA": ("Qatar", "Qatari"),
    "TR": ("Turkey", "Türkiye", "Turkish"),
    "ZM": ("Zambia", "Zambian"),
    "CD": ("Democratic Republic of the Congo", "Democratic Republic of Congo", "DRC", "DR Congo"),
    "ZA": ("South Africa", "South African"),
    "NA": ("Namibia", "Namibian"),
    "BW": ("Botswana", "Botswanan", "Motswana"),
    "ZW": ("Zimbabwe", "Zimbabwean"),
    "MZ": ("Mozambique", "Mozambican"),
    "TZ": ("Tanzania", "Tanzanian"),
    "KE": ("Kenya", "Kenyan"),
    "GH": ("Ghana", "Ghanaian"),
    "NG": ("Nigeria", "Nigerian"),
    "RW": ("Rwanda", "Rwandan"),
    "MA": ("Morocco", "Moroccan"),
    "EG": ("Egypt", "Egyptian"),
    "CL": ("Chile", "Chilean"),
    "AR": ("Argentina", "Argentine", "Argentinian"),
    "BR": ("Brazil", "Brazilian"),
    "PE": ("Peru", "Peruvian"),
    "BO": ("Bolivia", "Bolivian"),
    "MX": ("Mexico", "Mexican"),
    "CO": ("Colombia", "Colombian"),
    "GL": ("Greenland", "Greenlandic"),
    "AZ": ("Azerbaijan", "Azerbaijani"),
    "AM": ("Armenia", "Armenian"),
    "PK": ("Pakistan", "Pakistani"),
    "BD": ("Bangladesh", "Bangladeshi"),
    "LK": ("Sri Lanka", "Sri Lankan"),
    "NP": ("Nepal", "Nepali", "Nepalese"),
    "KH": ("Cambodia", "Cambodian"),
    "LA": ("Laos", "Lao"),
    "MM": ("Myanmar", "Burmese"),
    "BN": ("Brunei", "Bruneian"),
    "OM": ("Oman", "Omani"),
    "BH": ("Bahrain", "Bahraini"),
    "KW": ("Kuwait", "Kuwaiti"),
    "JO": ("Jordan", "Jordanian"),
    "IL": ("Israel", "Israeli"),
    "IR": ("Iran", "Iranian"),
    "IQ": ("Iraq", "Iraqi"),
    "TN": ("Tunisia", "Tunisian"),
    "DZ": ("Algeria", "Algerian"),
    "LY": ("Libya", "Libyan"),
    "ET": ("Ethiopia", "Ethiopian"),
    "UG": ("Uganda", "Ugandan"),
    "MW": ("Malawi", "Malawian"),
    "AO": ("Angola", "Angolan"),
    "MG": ("Madagascar", "Malagasy"),
    "GA": ("Gabon", "Gabonese"),
    "CM": ("Cameroon", "Cameroonian"),
    "SN": ("Senegal", "Senegalese"),
    "ML": ("Mali", "Malian"),
    "CI": ("Côte d'Ivoire", "Cote d'Ivoire", "Ivory Coast", "Ivorian"),
    "BF": ("Burkina Faso", "Burkinabe"),
    "SL": ("Sierra Leone", "Sierra Leonean"),
    "LR": ("Liberia", "Liberian"),
    "MR": ("Mauritania", "Mauritanian"),
    "EC": ("Ecuador", "Ecuadorian"),
    "VE": ("Venezuela", "Venezuelan"),
    "UY": ("Uruguay", "Uruguayan"),
    "PY": ("Paraguay", "Paraguayan"),
    "PA": ("Panama", "Panamanian"),
    "CU": ("Cuba", "Cuban"),
    "GY": ("Guyana", "Guyanese"),
    "JM": ("Jamaica", "Jamaican"),
    "PG": ("Papua New Guinea", "Papua New Guinean"),
    "FJ": ("Fiji", "Fijian"),
    "CK": ("Cook Islands",),
    "PT": ("Portugal", "Portuguese"),
    "IE": ("Ireland", "Irish"),
    "DK": ("Denmark", "Danish"),
    "AT": ("Austria", "Austrian"),
    "CH": ("Switzerland", "Swiss"),
    "IS": ("Iceland", "Icelandic"),
    "EE": ("Estonia", "Estonian"),
    "LV": ("Latvia", "Latvian"),
    "LT": ("Lithuania", "Lithuanian"),
    "SI": ("Slovenia", "Slovenian"),
    "SK": ("Slovakia", "Slovak"),
    "CZ": ("Czechia", "Czech Republic", "Czech"),
    "HU": ("Hungary", "Hungarian"),
    "RO": ("Romania", "Romanian"),
    "BG": ("Bulgaria", "Bulgarian"),
    "GR": ("Greece", "Greek"),
    "HR": ("Croatia", "Croatian"),
    "RS": ("Serbia", "Serbian"),
    "BA": ("Bosnia and Herzegovina", "Bosnian"),
    "ME": ("Montenegro", "Montenegrin"),
    "MK": ("North Macedonia", "Macedonian"),
    "AL": ("Albania", "Albanian"),
    "MD": ("Moldova", "Moldovan"),
    "BY": ("Belarus", "Belarusian"),
    "CY": ("Cyprus", "Cypriot"),
    "MT": ("Malta", "Maltese"),
    "LU": ("Luxembourg",),
}


#: More demonyms and informal names: every sovereign state's adjective, and spellings news
#: copies use ("Turkiye", "ROK", "Philippine"). Ambiguous ones are left out ("Dominican",
#: "Congolese", "Central African").
MORE_ALIASES: dict[str, tuple[str, ...]] = {
    "TR": ("Turkiye",),
    "KR": ("ROK",),
    "PH": ("Philippine",),
    "SA": ("KSA",),
    "KG": ("Kyrgyzstani",),
    "UZ": ("Uzbekistani",),
    "LA": ("Laotian",),
    "LU": ("Luxembourgish",),
    "SI": ("Slovene",),
    "AF": ("Afghan",),
    "BI": ("Burundian",),
    "BJ": ("Beninese",),
    "BS": ("Bahamian",),
    "BZ": ("Belizean",),
    "BB": ("Barbadian",),
    "BT": ("Bhutanese",),
    "KM": ("Comorian",),
    "CV": ("Cape Verde", "Cape Verdean"),
    "CR": ("Costa Rican",),
    "CG": ("Republic of the Congo", "Congo-Brazzaville"),
    "DJ": ("Djiboutian",),
    "ER": ("Eritrean",),
    "GE": ("Georgian",),
    "GN": ("Guinean",),
    "GM": ("Gambian",),
    "GW": ("Bissau-Guinean",),
    "GQ": ("Equatorial Guinean", "Equatoguinean"),
    "GT": ("Guatemalan",),
    "HN": ("Honduran",),
    "HT": ("Haitian",),
    "LB": ("Lebanese",),
    "MV": ("Maldivian",),
    "MU": ("Mauritian",),
    "NE": ("Nigerien",),
    "NI": ("Nicaraguan",),
    "PS": ("Palestinian",),
    "SD": ("Sudanese",),
    "SS": ("South Sudanese",),
    "SO": ("Somali",),
    "SV": ("Salvadoran",),
    "ST": ("São Tomé and Príncipe", "Sao Tome and Principe"),
    "SR": ("Surinamese",),
    "SZ": ("Swaziland", "Swazi"),
    "SC": ("Seychellois",),
    "SY": ("Syrian",),
    "TD": ("Chadian",),
    "TG": ("Togolese",),
    "TL": ("East Timor", "Timorese"),
    "TO": ("Tongan",),
    "TT": ("Trinidadian",),
    "WS": ("Samoan",),
    "YE": ("Yemeni",),
    "FM": ("Micronesian",),
    "MH": ("Marshallese",),
    "NR": ("Nauruan",),
    "PW": ("Palauan",),
}


#: Government bodies and state companies that sign agreements in their state's name, with
#: no country word in their name: an agreement between two of them is one between their
#: states ("JOGMEC and KOMIR signed ..." -> JP, KR). Names that contain the country
#: ("Geological Survey of India") need no entry. Only unambiguous names are listed.
STATE_BODIES: dict[str, tuple[str, ...]] = {
    "US": ("USGS", "U.S. Geological Survey", "US Geological Survey", "DFC", "USTDA"),
    "GB": ("British Geological Survey", "BGS", "UK Export Finance", "UKEF"),
    "DE": ("BGR", "KfW", "Federal Institute for Geosciences and Natural Resources"),
    "FR": ("BRGM",),
    "JP": ("JOGMEC", "Japan Organization for Metals and Energy Security", "JBIC", "NEXI"),
    "KR": (
        "KOMIR",
        "KORES",
        "KIGAM",
        "Korea Mine Rehabilitation and Mineral Resources Corporation",
    ),
    "RU": ("Rosgeo", "ROSGEO", "Rosnedra", "Rosatom"),
    "CN": ("China Geological Survey",),
    "IN": ("KABIL", "Khanij Bidesh India", "IREL", "NMDC", "NALCO"),
    "AU": ("Geoscience Australia", "CSIRO", "Export Finance Australia"),
    "CA": ("NRCan", "Export Development Canada"),
    "FI": ("GTK", "Geological Survey of Finland"),
    "SE": ("SGU", "Geological Survey of Sweden"),
    "NO": ("NGU", "Geological Survey of Norway"),
    "DK": ("GEUS",),
    "KZ": ("Kazgeology", "Kazatomprom", "Tau-Ken Samruk"),
    "MN": ("Erdenes Mongol",),
    "TZ": ("STAMICO",),
    "ZM": ("ZCCM-IH", "ZCCM Investments Holdings"),
    "CD": ("Gécamines", "Gecamines"),
    "NA": ("Epangelo",),
    "CL": ("Codelco", "CODELCO", "ENAMI", "SERNAGEOMIN", "Sernageomin"),
    "PE": ("INGEMMET", "Ingemmet"),
    "AR": ("SEGEMAR", "Segemar"),
    "BR": ("CPRM", "SGB-CPRM"),
    "BO": ("YLB", "Yacimientos de Litio Bolivianos"),
    "SA": ("Ma'aden", "Ma’aden", "Maaden", "Manara Minerals"),
    "ZA": ("Council for Geoscience", "Mintek"),
}

#: Groups whose members are the parties when the group itself adopts or launches an
#: instrument ("G7 leaders launched the Critical Minerals Action Plan").
GROUP_MEMBERS: dict[str, tuple[str, ...]] = {
    "G7": ("CA", "FR", "DE", "IT", "JP", "GB", "US"),
    "G-7": ("CA", "FR", "DE", "IT", "JP", "GB", "US"),
    "Group of Seven": ("CA", "FR", "DE", "IT", "JP", "GB", "US"),
    "Quad": ("AU", "IN", "JP", "US"),
    "AUKUS": ("AU", "GB", "US"),
    "I2U2": ("IN", "IL", "AE", "US"),
}


def _pycountry_names(country: object) -> list[str]:
    """All English names pycountry has for a country, with "X, Republic of" turned round."""
    names: list[str] = []
    for attr in ("name", "common_name", "official_name"):
        value = getattr(country, attr, None)
        if not value:
            continue
        names.append(value)
        if ", " in value:
            head, _, tail = value.partition(", ")
            names.append(f"{tail} {head}".strip())
    return names


@dataclass
class Vocabulary:
    """Parties and minerals the extractor may propose, with all their names.

    ``parties`` maps a party code (ISO alpha-2, or ``EU``) to its names as stored;
    ``minerals`` maps a mineral slug to its name and aliases; ``mineral_groups`` maps a
    mineral slug to the slug of its group (kept so callers can roll minerals up).
    """

    parties: Mapping[str, Iterable[str]]
    minerals: Mapping[str, Iterable[str]]
    mineral_groups: Mapping[str, str] = field(default_factory=dict)
    #: People already recorded: name -> code of the party they last signed for (or None).
    people: Mapping[str, str | None] = field(default_factory=dict)

    @classmethod
    def from_reference(cls, minerals_path: Path | None = None) -> Vocabulary:
        """Build a vocabulary from pycountry and the bundled mineral list, without a database.

        Element symbols are left out on purpose: "In", "As", "W" or "Sn" would match
        ordinary words and initials far more often than minerals.
        """
        import pycountry

        parties: dict[str, list[str]] = {
            c.alpha_2: _pycountry_names(c) for c in pycountry.countries
        }
        parties["EU"] = ["European Union"]
        data = json.loads((minerals_path or MINERALS_JSON).read_text(encoding="utf-8"))
        minerals: dict[str, list[str]] = {}
        groups: dict[str, str] = {}
        for item in data["minerals"]:
            minerals[item["slug"]] = [item["name"], *item.get("aliases", [])]
            if item.get("group"):
                groups[item["slug"]] = item["group"]
        return cls(parties=parties, minerals=minerals, mineral_groups=groups)

    # -- compiled matchers (built once per vocabulary, reused for every release) --

    @cached_property
    def party_names(self) -> dict[str, str]:
        """Every recognised party name or alias -> party code."""
        table: dict[str, str] = {}
        for code, names in self.parties.items():
            for name in names:
                if name and len(name) > 1:
                    table.setdefault(name, code)
        for code, aliases in PARTY_ALIASES.items():
            if code in self.parties:
                for alias in aliases:
                    table[alias] = code
        for code, aliases in MORE_ALIASES.items():
            if code in self.parties:
                for alias in aliases:
                    table.setdefault(alias, code)
        for code, bodies in STATE_BODIES.items():
            if code in self.parties:
                for body in bodies:
                    table.setdefault(body, code)
        return table

    @cached_property
    def party_regex(self) -> re.Pattern[str]:
        """One alternation of all party names, longest first, case-sensitive.

        Case matters: "US" is a party, "us" is not. The boundaries allow "UK-US",
        "U.S.-Japan" and "Japan's" while refusing "USTR" or "Indiana".
        """
        names = sorted(self.party_names, key=len, reverse=True)
        alternation = "|".join(re.escape(n) for n in names)
        return re.compile(rf"(?<![\w.])(?:{alternation})(?!\w)")

    @cached_property
    def people_first_words(self) -> dict[str, set[int]]:
        """First word of each known person's name -> the numbers of words of such names."""
        table: dict[str, set[int]] = {}
        for name in self.people:
            words = name.split()
            if len(words) >= 2:
                table.setdefault(words[0], set()).add(len(words))
        return table

    @cached_property
    def mineral_names(self) -> dict[str, str]:
        """Every mineral name or alias (lower-cased unless an acronym) -> slug."""
        table: dict[str, str] = {}
        for slug, names in self.minerals.items():
            for name in names:
                if not name or len(name) < 3:
                    continue
                key = name if _is_acronym(name) else name.lower()
                table.setdefault(key, slug)
        return table

    @cached_property
    def mineral_regex(self) -> re.Pattern[str]:
        """Alternation of mineral names; acronyms are matched case-sensitively."""
        words = sorted((n for n in self.mineral_names if not _is_acronym(n)), key=len, reverse=True)
        acronyms = sorted((n for n in self.mineral_names if _is_acronym(n)), key=len, reverse=True)
        parts = []
        if words:
            parts.append("(?i:" + "|".join(_flexible(w) for w in words) + ")")
        if acronyms:
            parts.append("|".join(re.escape(a) for a in acronyms))
        return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])")

    def mineral_slug(self, matched: str) -> str | None:
        """Slug for a matched mineral name, whatever its case or spacing."""
        key = matched if _is_acronym(matched) else re.sub(r"[\s-]+", " ", matched.lower())
        if key in self.mineral_names:
            return self.mineral_names[key]
        for name, slug in self.mineral_names.items():
            if re.sub(r"[\s-]+", " ", name) == key:
                return slug
        return None

    def short_name(self, code: str) -> str:
        """Name used in proposed titles: the usual short form for the big parties."""
        short = {"GB": "UK", "US": "US", "EU": "EU", "KR": "South Korea"}
        if code in short:
            return short[code]
        names = list(self.parties.get(code, []))
        # pycountry lists the formal name first; prefer a common name if present.
        plain = [n for n in names if "," not in n and " of " not in n]
        return (
            plain[1]
            if len(plain) > 1 and len(plain[1]) < len(plain[0])
            else (plain[0] if plain else (names[0] if names else code))
        )


def _is_acronym(name: str) -> bool:
    """True for names like "REE" or "PGMs" that must keep their case to be safe."""
    letters = [c for c in name if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= max(2, len(letters) - 1)


def _flexible(name: str) -> str:
    """Regex for a name that accepts a space or a hyphen between its words."""
    return r"[\s-]+".join(re.escape(part) for part in re.split(r"[\s-]+", name))
