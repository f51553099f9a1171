"""What the demo generator draws from: the parties, places, kinds, titles, minerals, stages and
names of synthetic agreements, with their weights."""

import datetime
from itertools import accumulate

from agreements.models import (
    AgreementKind,
    SourceKind,
    Stage,
)

# Parties that sign most critical-minerals instruments, and their relative weight
# (every other state weighs 1).
MAJOR_PARTIES = {
    "US": 40,
    "GB": 30,
    "JP": 30,
    "AU": 30,
    "CA": 25,
    "DE": 20,
    "FR": 18,
    "IN": 20,
    "KR": 20,
    "EU": 30,
    "CL": 8,
    "AR": 8,
    "ZA": 8,
    "CD": 6,
    "ID": 8,
    "KZ": 8,
    "SA": 8,
    "BR": 8,
    "MN": 5,
    "NA": 5,
}

CAPITALS = {
    "US": "Washington DC",
    "GB": "London",
    "JP": "Tokyo",
    "AU": "Canberra",
    "CA": "Ottawa",
    "DE": "Berlin",
    "FR": "Paris",
    "IN": "New Delhi",
    "KR": "Seoul",
    "EU": "Brussels",
    "CL": "Santiago",
    "AR": "Buenos Aires",
    "ZA": "Pretoria",
    "CD": "Kinshasa",
    "ID": "Jakarta",
    "KZ": "Astana",
    "SA": "Riyadh",
    "BR": "Brasília",
    "MN": "Ulaanbaatar",
    "NA": "Windhoek",
}
# Summits and fora where instruments are often signed outside every party.
VENUES = [
    ("Davos", "CH"),
    ("Geneva", "CH"),
    ("New York", "US"),
    ("Osaka", "JP"),
    ("Hiroshima", "JP"),
    ("Toronto", "CA"),
    ("Perth", "AU"),
    ("Dubai", "AE"),
    ("Singapore", "SG"),
]

KIND_WEIGHTS = {
    AgreementKind.MEMORANDUM_OF_UNDERSTANDING: 34,
    AgreementKind.AGREEMENT: 10,
    AgreementKind.FRAMEWORK: 10,
    AgreementKind.JOINT_STATEMENT: 14,
    AgreementKind.STATEMENT_OF_INTENT: 8,
    AgreementKind.ROADMAP: 7,
    AgreementKind.PARTNERSHIP: 9,
    AgreementKind.TREATY: 3,
    AgreementKind.OTHER: 5,
}
KIND_TITLES = {
    AgreementKind.MEMORANDUM_OF_UNDERSTANDING: ("Memorandum of Understanding", "MoU"),
    AgreementKind.AGREEMENT: ("Agreement", "agreement"),
    AgreementKind.FRAMEWORK: ("Framework", "framework"),
    AgreementKind.JOINT_STATEMENT: ("Joint Statement", "joint statement"),
    AgreementKind.STATEMENT_OF_INTENT: ("Joint Declaration of Intent", "declaration of intent"),
    AgreementKind.ROADMAP: ("Roadmap", "roadmap"),
    AgreementKind.PARTNERSHIP: ("Partnership", "partnership"),
    AgreementKind.TREATY: ("Treaty", "treaty"),
    AgreementKind.OTHER: ("Arrangement", "arrangement"),
}
BINDING = {
    AgreementKind.TREATY: (0.9, 0.05),  # P(true), P(false); the rest is unknown
    AgreementKind.AGREEMENT: (0.6, 0.2),
}
TOPICS = [
    "Cooperation in the Field of Critical Minerals",
    "Critical Minerals Supply Chains",
    "{mineral} Supply Chain Cooperation",
    "Responsible Mining and Critical Minerals Security",
    "Critical Raw Materials",
    "Clean Energy Minerals and Battery Supply Chains",
    "Investment in {mineral} Processing",
    "Geological Survey Cooperation on Critical Minerals",
    "Critical Minerals Research and Innovation",
]

# Minerals agreements name most often, and their weight (every other mineral weighs 1).
MAJOR_MINERALS = {
    "lithium": 40,
    "cobalt": 30,
    "nickel": 28,
    "rare-earth-elements": 30,
    "graphite": 22,
    "copper": 20,
    "manganese": 12,
    "neodymium": 8,
    "dysprosium": 6,
    "praseodymium": 5,
    "terbium": 4,
    "gallium": 8,
    "germanium": 7,
    "platinum-group-metals": 8,
    "vanadium": 5,
    "tungsten": 5,
    "uranium": 5,
}
STAGE_WEIGHTS = [30, 40, 40, 25, 20, 8, 25, 20]  # in Stage.values order
# Computed once: TextChoices.values builds a new list on every access.
STAGE_CHANCES = [
    (stage, weight / 100) for stage, weight in zip(Stage.values, STAGE_WEIGHTS, strict=True)
]
SOURCE_KINDS = list(SourceKind.values)
KINDS = list(KIND_WEIGHTS)
KIND_CUM = list(accumulate(KIND_WEIGHTS.values()))
MINERAL_NOTES = ["battery grade", "including magnets", "concentrates", "and its compounds"]

FIRST_NAMES = (
    "Amelia Aiko Akira Alejandro Ana Anders Anjali Arjun Beatriz Camille Carlos Chloé Daniel "
    "Daisuke Elena Emma Fatima Felipe François Gabriel Hana Hannah Hiroshi Ingrid Isabel James "
    "Jean Ji-woo Jonas Julia Kavya Kenji Laura Lena Lucas Mariana Markus Mei Min-jun Mohammed "
    "Nadia Naledi Noah Olga Oliver Pablo Priya Rahul Rania Ravi Rebecca Sakura Samuel Sara "
    "Seo-yeon Sipho Sofía Sophie Thandiwe Thomas Valentina Victoria Wei William Yuki Zanele"
).split()
LAST_NAMES = (
    "Abbott Ahmed Alvarez Andersen Bakker Banerjee Becker Bernard Bianchi Campbell Castillo "
    "Chen Cho Clarke Da Silva Dubois Dlamini Fernández Fischer Fontaine Garcia Gupta Hall "
    "Hashimoto Hoffmann Ito Iyer Jansen Johansson Kang Kapoor Kato Khan Kim Kowalski Lambert "
    "Laurent Lee Lopez Martin Mbeki Meyer Moreau Morgan Müller Nakamura Ndlovu Nguyen O'Brien "
    "Park Patel Petrov Reddy Richter Rossi Santos Sato Schmidt Schneider Sharma Singh Suzuki "
    "Tanaka Taylor Thompson Tshabalala Wagner Walker Watanabe Weber Wilson Yamamoto Yoon Zhou"
).split()
PORTFOLIOS = [
    "Trade",
    "Industry",
    "Energy",
    "Resources",
    "Mines",
    "Foreign Affairs",
    "Economy",
    "Business and Trade",
    "Energy Security",
    "Science and Technology",
]
WITNESS_OFFICES = ["Prime Minister", "President", "Chancellor", "Head of Government"]
EU_OFFICES = [
    "European Commissioner for Trade",
    "Executive Vice-President of the European Commission",
    "European Commissioner for Internal Market",
    "EU Ambassador",
]
PUBLISHERS = ["Ministry of Foreign Affairs", "Department of Trade", "Ministry of Energy"]

START = datetime.date(2000, 1, 1)
END = datetime.date(2026, 10, 31)
# Status is judged as of this fixed day, so the data does not depend on when it is made.
AS_OF = datetime.date(2026, 11, 1)
BATCH = 2000
