"""Synthetic agreements for demos and benchmarks, reproducible from a seed: every row respects
the model constraints and the cross-row rules (agreements.validation)."""

import datetime
import random
from collections import defaultdict
from itertools import accumulate

from django.utils.text import slugify

from agreements.demo.tables import (
    AS_OF,
    BINDING,
    CAPITALS,
    END,
    EU_OFFICES,
    FIRST_NAMES,
    KIND_CUM,
    KIND_TITLES,
    KINDS,
    LAST_NAMES,
    MAJOR_MINERALS,
    MAJOR_PARTIES,
    MINERAL_NOTES,
    PORTFOLIOS,
    PUBLISHERS,
    SOURCE_KINDS,
    STAGE_CHANCES,
    START,
    TOPICS,
    VENUES,
    WITNESS_OFFICES,
)
from agreements.models import (
    Agreement,
    AgreementKind,
    AgreementMineral,
    AgreementParty,
    AgreementStatus,
    Party,
    PartyKind,
    Person,
    Signature,
    SignatureRole,
    Source,
)
from minerals.models import Mineral, MineralAlias


class ReferenceData:
    """The parties, minerals and aliases the generator draws from (loaded once)."""

    def __init__(self):
        parties = list(
            Party.objects.filter(kind__in=[PartyKind.STATE, PartyKind.REGIONAL_ORGANISATION])
            .order_by("code")
            .values_list("pk", "code", "name", "kind")
        )
        self.party = {code: (pk, name, kind) for pk, code, name, kind in parties}
        self.state_codes = [c for c, (_, _, k) in self.party.items() if k == PartyKind.STATE]
        self.party_codes = [c for c in self.party if c == "EU" or c in self.state_codes]
        self.party_cum = list(accumulate(MAJOR_PARTIES.get(c, 1) for c in self.party_codes))
        # Minerals in their display order (the order search text lists them in).
        minerals = list(Mineral.objects.order_by("name", "slug").values_list("pk", "slug", "name"))
        self.mineral = {slug: (pk, name) for pk, slug, name in minerals}
        self.mineral_rank = {slug: i for i, (_, slug, _) in enumerate(minerals)}
        self.mineral_slugs = [slug for _, slug, _ in minerals]
        self.mineral_cum = list(accumulate(MAJOR_MINERALS.get(s, 1) for s in self.mineral_slugs))
        self.aliases = defaultdict(list)
        for mineral_slug, alias in MineralAlias.objects.order_by("mineral__slug", "pk").values_list(
            "mineral__slug", "name"
        ):
            self.aliases[mineral_slug].append(alias)

    def missing(self) -> list[str]:
        needed = {"GB", "US", "EU", "lithium", "cobalt", "rare-earth-elements"}
        have = set(self.party) | set(self.mineral)
        return sorted(needed - have)


class Generator:
    """Builds unsaved model instances from one random stream; never touches the database
    except through the ``Command`` that drives it."""

    def __init__(
        self, ref: ReferenceData, rng: random.Random, used_slugs: set, people: dict, count: int
    ):
        self.ref = ref
        # Casts grow with the data set, so nobody signs thousands of agreements.
        self.cast_size = {"major": max(8, count // 1000), "other": max(3, count // 20000)}
        self.rng = rng
        self.used_slugs = used_slugs
        self.people = people  # slug -> Person (saved or pending)
        self.pending_people: list[Person] = []
        self.party_people: dict[str, list[Person]] = defaultdict(list)
        names = [f"{f} {last}" for f in FIRST_NAMES for last in LAST_NAMES]
        rng.shuffle(names)
        self.fresh_names = names

    # People ---------------------------------------------------------------------------
    def _new_person(self) -> Person:
        while self.fresh_names:
            name = self.fresh_names.pop()
            slug = slugify(name)
            if slug in self.people:
                continue  # someone else already has this name's slug: draw another
            person = Person(slug=slug, name=name)
            self.people[slug] = person
            self.pending_people.append(person)
            return person
        # The pool of names is exhausted: reuse someone.
        return self.rng.choice(list(self.people.values()))

    def person_for(self, code: str) -> Person:
        """Someone who signs for ``code``: a small, stable cast per party."""
        cast = self.party_people[code]
        size = self.cast_size["major" if code in MAJOR_PARTIES else "other"]
        if len(cast) < size and (not cast or self.rng.random() < 0.3):
            cast.append(self._new_person())
        return self.rng.choice(cast)

    def office_for(self, code: str, others: list[str]) -> str:
        if code == "EU":
            return self.rng.choice(EU_OFFICES)
        roll = self.rng.random()
        portfolio = self.rng.choice(PORTFOLIOS)
        if roll < 0.45:
            return f"Minister of {portfolio}"
        if roll < 0.65:
            return f"Secretary of State for {portfolio}"
        if roll < 0.8:
            return f"Under Secretary for {portfolio}"
        other = self.ref.party[self.rng.choice(others)][1] if others else "the Partners"
        return f"Ambassador to {other}"

    # One agreement --------------------------------------------------------------------
    def _date(self, start: datetime.date, end: datetime.date) -> datetime.date:
        return start + datetime.timedelta(days=self.rng.randint(0, (end - start).days))

    def _slug(self, text: str) -> str:
        base = slugify(text.replace("–", "-"))[:110].strip("-") or "agreement"
        slug, n = base, 1
        while slug in self.used_slugs:
            n += 1
            slug = f"{base}-{n}"
        self.used_slugs.add(slug)
        return slug

    def _parties(self) -> list[str]:
        rng = self.rng
        count = rng.choices([2, 3, 4, 5], weights=[70, 15, 9, 6])[0]
        chosen: list[str] = []
        while len(chosen) < count:
            code = rng.choices(self.ref.party_codes, cum_weights=self.ref.party_cum)[0]
            if code not in chosen:
                chosen.append(code)
        return chosen

    def _minerals(self) -> list[str]:
        rng = self.rng
        count = rng.choices(range(1, 9), weights=[20, 20, 18, 14, 10, 8, 6, 4])[0]
        chosen: list[str] = []
        while len(chosen) < count:
            slug = rng.choices(self.ref.mineral_slugs, cum_weights=self.ref.mineral_cum)[0]
            if slug not in chosen:
                chosen.append(slug)
        return chosen

    def _dates(self, kind: str) -> dict:
        rng = self.rng
        if rng.random() < 0.03:
            announced = self._date(datetime.date(2024, 1, 1), END)
            return {"status": AgreementStatus.PLANNED, "announced_on": announced}
        signed = self._date(START, END)
        out = {"signed_on": signed}
        if rng.random() < 0.3:
            out["announced_on"] = signed - datetime.timedelta(days=rng.randint(0, 60))
        if rng.random() < 0.3:
            out["effective_on"] = signed + datetime.timedelta(days=rng.randint(0, 400))
        start = out.get("effective_on", signed)
        if rng.random() < 0.25:
            out["expires_on"] = start + datetime.timedelta(days=365 * rng.randint(2, 10))
        if rng.random() < 0.05:
            out["terminated_on"] = signed + datetime.timedelta(days=rng.randint(30, 2000))
        if out.get("terminated_on") and out["terminated_on"] <= AS_OF:
            status = AgreementStatus.TERMINATED
        elif out.get("expires_on") and out["expires_on"] <= AS_OF:
            status = AgreementStatus.EXPIRED
        elif start > AS_OF or kind == AgreementKind.JOINT_STATEMENT:
            status = AgreementStatus.SIGNED
        elif rng.random() < 0.04:
            status = AgreementStatus.SUPERSEDED
        else:
            status = rng.choice(
                [AgreementStatus.IN_FORCE, AgreementStatus.IN_FORCE, AgreementStatus.SIGNED]
            )
        out["status"] = status
        return out

    def agreement(self) -> dict:
        """One agreement with its nested rows, as unsaved instances and plain values."""
        rng = self.rng
        ref = self.ref
        kind = rng.choices(KINDS, cum_weights=KIND_CUM)[0]
        parties = self._parties()
        minerals = self._minerals()
        dates = self._dates(kind)
        signed_on = dates.get("signed_on")
        title, short_title = self._titles(kind, parties, minerals, dates)
        slug = self._slug(short_title)
        place, signed_country = self._place(parties, signed_on)
        summary = self._summary(minerals)
        legally_binding = self._legally_binding(kind)
        agreement = Agreement(
            slug=slug,
            title=title,
            short_title=short_title,
            kind=kind,
            status=dates["status"],
            legally_binding=legally_binding,
            announced_on=dates.get("announced_on"),
            signed_on=signed_on,
            effective_on=dates.get("effective_on"),
            expires_on=dates.get("expires_on"),
            terminated_on=dates.get("terminated_on"),
            signed_place=place,
            signed_country_id=ref.party[signed_country][0] if signed_country else None,
            summary=summary,
            text_url=f"https://treaties.example.org/{slug}.pdf" if rng.random() < 0.4 else "",
            is_published=rng.random() >= 0.1,
        )
        party_rows = self._party_rows(parties, signed_on, legally_binding)
        signature_rows, signatories = self._signature_rows(parties, signed_on)
        mineral_rows = self._mineral_rows(minerals)
        source_rows = self._source_rows(parties, slug, short_title, dates)

        ordered = sorted(minerals, key=ref.mineral_rank.__getitem__)
        text_parts = [title, short_title, summary, place, *signatories]
        text_parts += [ref.mineral[m][1] for m in ordered]
        text_parts += [alias for m in ordered for alias in ref.aliases.get(m, [])]
        agreement.search_text = " ".join(p for p in text_parts if p)
        return {
            "agreement": agreement,
            "parties": party_rows,
            "signatures": signature_rows,
            "minerals": mineral_rows,
            "sources": source_rows,
        }

    def _titles(self, kind: str, parties: list[str], minerals: list[str], dates: dict):
        names = [self.ref.party[c][1] for c in parties]
        long_kind, short_kind = KIND_TITLES[kind]
        joined = ", ".join(names[:-1]) + " and " + names[-1]
        lead_mineral = self.ref.mineral[minerals[0]][1]
        topic = self.rng.choice(TOPICS).format(mineral=lead_mineral)
        title = f"{long_kind} between {joined} on {topic}"[:300]
        signed_on = dates.get("signed_on")
        year = signed_on.year if signed_on else dates["announced_on"].year
        short_title = f"{'–'.join(parties)} {short_kind} on {lead_mineral.lower()} {year}"[:120]
        return title, short_title

    def _place(self, parties: list[str], signed_on) -> tuple[str, str | None]:
        """Mostly a party's capital, sometimes a summit venue; nothing when not signed."""
        if self.rng.random() < 0.8:
            home = self.rng.choice([c for c in parties if c in CAPITALS] or parties)
            place = CAPITALS.get(home, "")
            signed_country = home if home in self.ref.state_codes else None
        else:
            place, signed_country = self.rng.choice(VENUES)
        if not place:
            signed_country = None
        if not signed_on:
            place, signed_country = "", None
        if signed_country not in self.ref.party:
            signed_country = None
        return place, signed_country

    def _summary(self, minerals: list[str]) -> str:
        rng = self.rng
        mineral_names = [self.ref.mineral[m][1].lower() for m in minerals]
        return (
            f"The participants agree to cooperate on {', '.join(mineral_names)}: "
            f"{rng.choice(['exploration', 'investment', 'processing', 'recycling'])}, "
            f"{rng.choice(['supply chain resilience', 'responsible sourcing', 'research'])} "
            "and regular dialogue between officials."
        )

    def _legally_binding(self, kind: str) -> bool | None:
        legal = BINDING.get(kind, (0.02, 0.7))
        roll = self.rng.random()
        return True if roll < legal[0] else False if roll < legal[0] + legal[1] else None

    def _party_rows(self, parties: list[str], signed_on, legally_binding) -> list:
        rows = []
        for code in parties:
            ratified = None
            if signed_on and legally_binding and self.rng.random() < 0.5:
                ratified = signed_on + datetime.timedelta(days=self.rng.randint(30, 700))
            rows.append(AgreementParty(party_id=self.ref.party[code][0], ratified_on=ratified))
        return rows

    def _signature_rows(self, parties: list[str], signed_on) -> tuple[list, list[str]]:
        """Signatures (one to six people, a few witnesses), and the names in stored order."""
        rng = self.rng
        rows: list[Signature] = []
        if not signed_on:
            return rows, []
        seen = set()
        count = rng.choices(range(1, 7), weights=[15, 45, 15, 12, 8, 5])[0]
        for i in range(count):
            witness = i > 0 and rng.random() < 0.12
            code = parties[i % len(parties)]
            person = self.person_for(code)
            if person.slug in seen:
                continue
            seen.add(person.slug)
            if witness:
                office = rng.choice(WITNESS_OFFICES)
                row = Signature(
                    person=person, party=None, office=office, role=SignatureRole.WITNESS
                )
            else:
                others = [c for c in parties if c != code]
                row = Signature(
                    person=person,
                    party_id=self.ref.party[code][0],
                    office=self.office_for(code, others),
                    role=SignatureRole.SIGNATORY,
                )
            row.signed_on = signed_on
            rows.append(row)
        # Signatories before witnesses, as the stored order (role, id) lists them.
        names = [s.person.name for s in rows if s.role == "signatory"]
        names += [s.person.name for s in rows if s.role == "witness"]
        return rows, names

    def _mineral_rows(self, minerals: list[str]) -> list:
        rows = []
        for m in minerals:
            stages = [s for s, chance in STAGE_CHANCES if self.rng.random() < chance]
            note = self.rng.choice(MINERAL_NOTES) if self.rng.random() < 0.05 else ""
            rows.append(
                AgreementMineral(mineral_id=self.ref.mineral[m][0], stages=stages, note=note)
            )
        return rows

    def _source_rows(self, parties: list[str], slug: str, short_title: str, dates: dict):
        rng = self.rng
        rows = []
        for i in range(rng.choices([1, 2, 3], weights=[55, 30, 15])[0]):
            code = parties[i % len(parties)]
            kind = rng.choices(SOURCE_KINDS, weights=[50, 15, 15, 15, 5])[0]
            rows.append(
                Source(
                    url=f"https://gov.{code.lower()}.example.org/news/{slug}-{i + 1}",
                    title=f"{self.ref.party[code][1]}: {short_title}",
                    publisher=f"{rng.choice(PUBLISHERS)}, {self.ref.party[code][1]}",
                    published_on=dates.get("signed_on") or dates.get("announced_on"),
                    kind=kind,
                )
            )
        return rows
