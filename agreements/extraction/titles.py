"""Office and title lexicon: words that name a post, honorifics and post-nominals."""

from __future__ import annotations

import re

#: Words that name a post. "Representative" covers "Trade Representative".
HEAD_WORDS = set(
    """
Minister Ministers Secretary Secretary-General Undersecretary Under-Secretary Commissioner
Ambassador President Vice-President Chancellor Vice-Chancellor Representative Governor Envoy
Premier Director-General Chair Chairman Chairwoman Chairperson Administrator Consul
Counsellor Taoiseach Emir Sultan Viceminister Vice-Minister Chargé
""".split()
)
#: Words that qualify a post or name a portfolio (never part of a person's name).
OFFICE_WORDS = set(
    """
Minister Ministers Secretary Under State Foreign Office Ambassador President Vice Prime
Deputy First Commissioner Commission Trade Representative Industry Chancellor Governor
Director Director-General General Head Envoy Special Affairs Economy Economic Energy
Natural Resources Business Development Treasury Senior Assistant Chief Executive High
Crown Majesty Highness Royal Mines Mining Mineral Minerals Construction Finance Investment
Infrastructure Interior Defence Defense Home International Relations External Cooperation
Co-operation Environment Climate Critical Internal Market Markets Science Technology
Innovation Geology Lands Security Parliamentary Permanent Counsellor Consul Federal Chair
Chairman Chairperson Member Undersecretary Under-Secretary Attorney Agriculture Transport
Industrial Strategy Petroleum Water Cabinet Council Board Department Ministry Commerce
Labour Labor Global Growth Digital Education Health Justice Planning Power Metals Raw
Materials Services European Secretary-General Commonwealth Northern Southern Eastern
Western Sector Policy Tourism Exports Export Investments Industries Northern Regional
Region Regions Indo-Pacific Indo Pacific Asia Africa Europe Americas Middle East Arctic
Atlantic Latin America Caribbean Oceania Asian African European American Overseas
Territories Sustainable Sustainability Net Zero Affairs Multilateral Bilateral Economy
Competitiveness Research Jobs Skills Enterprise Employment Fisheries Forestry Oceans Oil
Gas Electricity Hydrogen Transition Green Foreign-Affairs Premier Representative Envoy
Administrator Vice-President Vice-Chancellor Chairwoman Minerals-Related Portfolio
Resources-Related Deputy-Minister Vice-Minister Viceminister Commissioner-Designate
Taoiseach Emir Sultan Outreach Coordinator Co-ordinator Adviser Advisor Spokesperson
Second Third Fourth Interinstitutional Foresight Deal Gender Equality Justice Honourable
Partnerships Partnership Competition Consumer Neighbourhood Enlargement Budget
Administration Crisis Management Cohesion Reforms Culture Youth Sport Social Rights Values
Transparency Democracy Demography Migration Space Financial Capital Stability
Humanitarian Aid Preparedness Communications Information Small Transformation Geological
Steel Coal Hydrocarbons Housing Urban Rural Land Ports Shipping Aviation Telecommunications
Manufacturing Textiles Food Solid Associate Acting Additional Principal Junior Joint Union
Heavy Light Environmental Protection Reform Hydrocarbon D'Affaires D’Affaires Chargé Embassy
""".split()
)
#: Forms of address between an office and a name; part of neither.
HONORIFICS = set(
    """
Hon Hon. Honourable Honorable Hon’ble Hon'ble Mr Mrs Ms Dr Sir Dame Lord Baroness Prince Princess
Sheikh Sheikha Shri Smt Excellency H.E. Lic Eng Prof Professor Rt Rt. Right Madam
Datuk Dato Dato' Dato’ Datin Tun Toh Puan Haji Hajjah Pehin Engr Engr.
""".split()
)
#: Words that are a form of address only after another one ("Datuk Seri", "Tan Sri"); alone
#: they are given names ("Sri Mulyani Indrawati").
HONORIFIC_SEQUELS = {"Seri", "Sri", "Paduka"}
#: First words of two-word forms of address whose first word alone is a surname ("Tan").
HONORIFIC_PAIRS = {("Tan", "Sri"), ("Puan", "Sri")}
#: Letters after a name, before its office.
POSTNOMINALS = {"MP", "MEP", "KC", "QC", "PC", "OBE", "CBE", "MBE", "KBE", "DBE", "MLA", "AO", "AC"}
#: Offices whose official title includes the country name.
TITLE_WITH_COUNTRY = {("US", "Trade Representative")}
#: A body of a party rather than the party itself: "Vice-President of the European
#: Commission" keeps the body in the office ("of Chile" is a country qualifier, dropped).
INSTITUTION_RE = re.compile(r"\b(?:Commission|Council|Parliament|Court|Bank)\b")
#: Offices that by themselves tell the party.
OFFICE_PARTY_RE = [
    (
        re.compile(
            r"\bCommissioner\b|\bEuropean Commission\b|\bof the Commission$|^Commission\b|"
            r"\bHigh Representative\b"
        ),
        "EU",
    )
]
HEAD_RE = re.compile(r"\b(?:" + "|".join(sorted(HEAD_WORDS, key=len, reverse=True)) + r")\b")
