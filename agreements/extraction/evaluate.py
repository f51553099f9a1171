"""Per-field precision and recall of the extractor on a directory of annotated releases.

Each ``NAME.txt`` release is paired with ``NAME.json`` holding the facts a careful reader
extracts (see ``tests/extraction/README.md``). Run as
``python -m agreements.extraction.evaluate DIR [DIR ...] [--show-misses]``: several folders
are scored side by side (development and blind sets); the releases missed in a folder
named ``blind`` are listed only with ``--show-misses``, so that nobody tunes rules on them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

from .extractor import extract
from .vocabulary import Vocabulary

FIELDS = (
    "parties",
    "signed_on",
    "signed_place",
    "kind",
    "signatories",
    "signatory_offices",
    "minerals",
    "commitments",
    "commitment_due",
)
#: Kinds an annotated commitment may have (those of the Commitment model).
COMMITMENT_KINDS = (
    "meeting",
    "working_group",
    "roadmap",
    "financing",
    "project",
    "information_exchange",
    "review",
    "other",
)


class AnnotationError(ValueError):
    """A release's expected facts cannot be scored (a quote not in the text, an unknown kind)."""


def _norm(value: str | None) -> str:
    """Lower-case, accents kept, whitespace collapsed."""
    return re.sub(r"\s+", " ", (value or "").strip()).lower()


def normalise_place(value: str | None) -> str:
    """ "Washington, D.C." and "Washington DC" compare equal: case and punctuation ignored."""
    text = unicodedata.normalize("NFKC", value or "").lower()
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", "", text)).strip()


def _name_key(name: str) -> tuple[str, ...]:
    """Names compare regardless of word order ("Tomita Koji" == "Koji Tomita")."""
    return tuple(sorted(_norm(name).split()))


def _signatory_key(item: dict[str, Any], office: bool = False) -> tuple[Any, ...]:
    """Name and party (the measure the drafting issue sets); with ``office``, the office
    as written too (the stricter measure, reported beside it)."""
    key = (
        _name_key(item.get("name") or item.get("person") or ""),
        (item.get("party") or "").upper(),
    )
    return (*key, _norm(item.get("office"))) if office else key


def _count_list(expected: list[Any], proposed: list[Any]) -> tuple[int, int, int]:
    exp, got = list(expected), list(proposed)
    tp = 0
    for item in got:
        if item in exp:
            exp.remove(item)
            tp += 1
    return tp, len(got) - tp, len(exp)


def _count_scalar(expected: Any, proposed: Any) -> tuple[int, int, int]:
    if proposed in (None, ""):
        return 0, 0, int(expected not in (None, ""))
    if proposed == expected:
        return 1, 0, 0
    return 0, 1, int(expected not in (None, ""))


def normalise_due(due: dict[str, Any] | None) -> tuple[Any, ...] | None:
    """A due date as a comparable key: ("date", date, precision) or ("within", n, unit,
    from), weeks counted as days (the model's units are days, months and years)."""
    if not due:
        return None
    if due.get("within") is not None:
        n, unit = int(due["within"]), str(due.get("unit") or "").lower()
        if unit in ("week", "weeks"):
            n, unit = n * 7, "days"
        elif unit and not unit.endswith("s"):
            unit += "s"
        return ("within", n, unit, due.get("from") or "signing")
    if due.get("date"):
        return ("date", str(due["date"]), due.get("precision") or "day")
    return None


def _words(value: str) -> set[str]:
    return set(re.findall(r"\w+", _norm(value)))


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Two commitments are the same promise when a span of one overlaps a span of the other
    in the release or, without spans (a published record against a proposal), when most of
    the shorter text's words are in the longer one."""
    if a.get("spans") and b.get("spans"):
        return any(s < f and e > t for s, e in a["spans"] for t, f in b["spans"])
    x, y = sorted((_words(a.get("text") or ""), _words(b.get("text") or "")), key=len)
    return bool(x) and len(x & y) >= 0.6 * len(x)


def _matched(expected: list[dict], proposed: list[dict], same) -> int:
    """Size of a maximum one-to-one matching of proposed to expected items where
    ``_overlap`` holds and ``same(expected, proposed)`` (augmenting paths; lists are short)."""
    owner: dict[int, int] = {}

    def assign(p: int, seen: set[int]) -> bool:
        for e, item in enumerate(expected):
            if e in seen or not (_overlap(item, proposed[p]) and same(item, proposed[p])):
                continue
            seen.add(e)
            if e not in owner or assign(owner[e], seen):
                owner[e] = p
                return True
        return False

    return sum(assign(p, set()) for p in range(len(proposed)))


def _count_matched(expected: list[dict], proposed: list[dict], same) -> tuple[int, int, int]:
    tp = _matched(expected, proposed, same)
    return tp, len(proposed) - tp, len(expected) - tp


def _same_kind(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a.get("kind") == b.get("kind")


def _same_due(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a["due"] == b["due"]


def expected_commitments(
    items: list[dict[str, Any]], text: str | None, name: str = "", show_quote: bool = True
) -> list[dict[str, Any]]:
    """Annotated commitments with their spans: each ``quote`` is found in ``text``
    (``text.find``); a quote that is not there, or an unknown kind, is an
    ``AnnotationError`` naming the file (and the quote unless ``show_quote`` is false: a
    blind release's words are not printed). Without a text (a published record), items
    keep their ``text`` and have no span."""
    found = []
    for index, item in enumerate(items):
        where = f"{name}: expected.commitments[{index}]"
        if item.get("kind") not in COMMITMENT_KINDS:
            raise AnnotationError(
                f"{where}: kind {item.get('kind')!r} is not one of {COMMITMENT_KINDS}"
            )
        span = None
        if text is not None:
            quote = item.get("quote") or ""
            start = text.find(quote) if quote else -1
            if start < 0:
                shown = f": {quote!r}" if show_quote else ""
                raise AnnotationError(f"{where}: quote not found verbatim in the text{shown}")
            span = (start, start + len(quote))
        found.append(
            {
                "spans": [span] if span else [],
                "text": item.get("text") or item.get("quote") or "",
                "kind": item["kind"],
                "due": normalise_due(item.get("due")),
            }
        )
    return found


def proposed_commitments(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Proposed commitments with the spans of their evidence (the commitment's words, and
    the words that date it)."""
    return [
        {
            "spans": [(e["start"], e["end"]) for e in item.get("evidence") or []],
            "text": item.get("text") or "",
            "kind": item.get("kind"),
            "due": normalise_due(item.get("due")),
        }
        for item in items
    ]


def score_commitments(
    expected: list[dict[str, Any]], proposed: list[dict[str, Any]]
) -> dict[str, tuple[int, int, int]]:
    """``commitments``: the same promise (overlapping spans, or texts) of the same kind;
    ``commitment_due``: the same promise with the same due date, counting only the items
    with a due date on either side."""
    with_due = [c for c in expected if c["due"] is not None]
    proposed_due = [c for c in proposed if c["due"] is not None]
    return {
        "commitments": _count_matched(expected, proposed, _same_kind),
        "commitment_due": _count_matched(with_due, proposed_due, _same_due),
    }


def commitments_changed(expected: list[dict[str, Any]], proposed: list[dict[str, Any]]) -> int:
    """Proposed promises kept with another kind: matched on text alone, not on kind."""
    anything = _matched(expected, proposed, lambda a, b: True)
    return max(0, anything - _matched(expected, proposed, _same_kind))


def score_release(
    expected: dict[str, Any],
    proposal: dict[str, Any],
    text: str | None = None,
    name: str = "",
    show_quote: bool = True,
) -> dict[str, tuple[int, int, int]]:
    """(true positives, false positives, false negatives) per field for one release.

    Commitments are scored only when ``expected`` has the key ``commitments`` (and the
    proposal too: a proposal made before commitments were extracted is not counted);
    otherwise both commitment fields are (0, 0, 0). With ``text``, annotated quotes are
    located in it (see ``expected_commitments``)."""
    signatories = [s for s in proposal["signatures"] if s.get("role") == "signatory"]
    commitments = {"commitments": (0, 0, 0), "commitment_due": (0, 0, 0)}
    if "commitments" in expected and "commitments" in proposal:
        commitments = score_commitments(
            expected_commitments(expected["commitments"], text, name, show_quote),
            proposed_commitments(proposal["commitments"]),
        )
    return {
        "parties": _count_list(
            sorted(expected.get("parties", [])), [p["party"] for p in proposal["parties"]]
        ),
        "signed_on": _count_scalar(expected.get("signed_on"), proposal["signed_on"]),
        "signed_place": _count_scalar(
            normalise_place(expected.get("signed_place")) or None,
            normalise_place(proposal["signed_place"]) or None,
        ),
        "kind": _count_scalar(expected.get("kind"), proposal["kind"]),
        "signatories": _count_list(
            [_signatory_key(s) for s in expected.get("signatories", [])],
            [_signatory_key(s) for s in signatories],
        ),
        "signatory_offices": _count_list(
            [_signatory_key(s, office=True) for s in expected.get("signatories", [])],
            [_signatory_key(s, office=True) for s in signatories],
        ),
        "minerals": _count_list(
            expected.get("minerals", []), [m["mineral"] for m in proposal["minerals"]]
        ),
        **commitments,
    }


def evaluate(directory: str | Path, vocabulary: Vocabulary) -> dict[str, Any]:
    """Run the extractor on every annotated release in ``directory`` and score it.

    Returns ``{"fields": {field: {"tp", "fp", "fn", "precision", "recall"}},
    "releases": {name: {field: [tp, fp, fn]}}, "count": n, "commitments_count": m}``
    (``m`` releases have annotated commitments and are scored for them). Precision and
    recall are 1.0 when there is nothing to count (no proposals / nothing expected).
    """
    totals = {f: [0, 0, 0] for f in FIELDS}
    releases: dict[str, Any] = {}
    commitments_count = 0
    blind = is_blind(directory)
    for meta_path in sorted(Path(directory).glob("*.json")):
        text_path = meta_path.with_suffix(".txt")
        if not text_path.exists():
            continue
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        text = text_path.read_text(encoding="utf-8")
        result = extract(
            text,
            dt.date.fromisoformat(meta["published_on"]),
            vocabulary,
            source_url=meta.get("source_url"),
            publisher=meta.get("publisher"),
        )
        scores = score_release(
            meta["expected"], result.proposal, text, meta_path.name, show_quote=not blind
        )
        commitments_count += "commitments" in meta["expected"]
        releases[meta_path.stem] = {f: list(v) for f, v in scores.items()}
        for f, (tp, fp, fn) in scores.items():
            totals[f][0] += tp
            totals[f][1] += fp
            totals[f][2] += fn
    fields = {}
    for f, (tp, fp, fn) in totals.items():
        fields[f] = {
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "precision": tp / (tp + fp) if tp + fp else 1.0,
            "recall": tp / (tp + fn) if tp + fn else 1.0,
        }
    return {
        "fields": fields,
        "releases": releases,
        "count": len(releases),
        "commitments_count": commitments_count,
    }


def format_table(results: dict[str, Any]) -> str:
    """Plain-text table of per-field precision and recall with the counts behind them."""
    lines = [f"{'field':<18}{'precision':>10}{'recall':>8}{'tp':>5}{'fp':>5}{'fn':>5}"]
    for f, r in results["fields"].items():
        lines.append(
            f"{f:<18}{r['precision']:>10.2f}{r['recall']:>8.2f}{r['tp']:>5}{r['fp']:>5}{r['fn']:>5}"
        )
    lines.append(f"releases: {results['count']}")
    lines.append(f"releases scored for commitments: {results.get('commitments_count', 0)}")
    return "\n".join(lines)


def format_columns(columns: list[tuple[str, dict[str, Any]]]) -> str:
    """Several folders' scores side by side: one block of columns per folder."""
    if len(columns) == 1:
        return format_table(columns[0][1])
    width = 30
    labels = [f"{label} ({results['count']} releases)" for label, results in columns]
    title = f"{'':<18}" + "".join(f"{label:<{width}}" for label in labels)
    head = f"{'field':<18}" + "".join(
        f"{'precision':>9}{'recall':>7}{'tp':>4}{'fp':>4}{'fn':>4}  " for _ in columns
    )
    lines = [title.rstrip(), head.rstrip()]
    for f in FIELDS:
        row = f"{f:<18}"
        for _, results in columns:
            r = results["fields"][f]
            row += (
                f"{r['precision']:>9.2f}{r['recall']:>7.2f}{r['tp']:>4}{r['fp']:>4}{r['fn']:>4}  "
            )
        lines.append(row.rstrip())
    lines.append(
        "releases scored for commitments: "
        + ", ".join(f"{label} {results.get('commitments_count', 0)}" for label, results in columns)
    )
    return "\n".join(lines)


def is_blind(directory: str | Path) -> bool:
    """A blind set is measured, never looked into: its misses are not printed by default."""
    return "blind" in Path(directory).resolve().name.lower()


def misses(results: dict[str, Any]) -> list[str]:
    """One line per release with a false positive or negative."""
    lines = []
    for name, scores in results["releases"].items():
        missed = {f: v for f, v in scores.items() if v[1] or v[2]}
        if missed:
            lines.append(f"  {name}: " + ", ".join(f"{f} tp/fp/fn={v}" for f, v in missed.items()))
    return lines


def report(
    directories: list[str | Path], vocabulary: Vocabulary, show_misses: bool = False
) -> tuple[str, list[dict[str, Any]]]:
    """The side-by-side table for ``directories``, then the misses of each folder that is
    not blind (of every folder with ``show_misses``)."""
    columns = [(Path(d).name, evaluate(d, vocabulary)) for d in directories]
    lines = [format_columns(columns)]
    for directory, (label, results) in zip(directories, columns, strict=True):
        if is_blind(directory) and not show_misses:
            lines.append(f"{label}: misses not shown (blind set; --show-misses to list them)")
            continue
        found = misses(results)
        if found:
            lines.append(f"{label}: releases with misses")
            lines.extend(found)
    return "\n".join(lines), [r for _, r in columns]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    show = "--show-misses" in args
    folders = [a for a in args if a != "--show-misses"]
    if not folders:
        print("usage: python -m agreements.extraction.evaluate DIR [DIR ...] [--show-misses]")
        return 2
    text, _ = report(folders, Vocabulary.from_reference(), show_misses=show)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
