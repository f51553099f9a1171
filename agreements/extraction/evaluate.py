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
)


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


def score_release(
    expected: dict[str, Any], proposal: dict[str, Any]
) -> dict[str, tuple[int, int, int]]:
    """(true positives, false positives, false negatives) per field for one release."""
    signatories = [s for s in proposal["signatures"] if s.get("role") == "signatory"]
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
    }


def evaluate(directory: str | Path, vocabulary: Vocabulary) -> dict[str, Any]:
    """Run the extractor on every annotated release in ``directory`` and score it.

    Returns ``{"fields": {field: {"tp", "fp", "fn", "precision", "recall"}},
    "releases": {name: {field: [tp, fp, fn]}}, "count": n}``. Precision and recall are
    1.0 when there is nothing to count (no proposals / nothing expected).
    """
    totals = {f: [0, 0, 0] for f in FIELDS}
    releases: dict[str, Any] = {}
    for meta_path in sorted(Path(directory).glob("*.json")):
        text_path = meta_path.with_suffix(".txt")
        if not text_path.exists():
            continue
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        result = extract(
            text_path.read_text(encoding="utf-8"),
            dt.date.fromisoformat(meta["published_on"]),
            vocabulary,
            source_url=meta.get("source_url"),
            publisher=meta.get("publisher"),
        )
        scores = score_release(meta["expected"], result.proposal)
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
    return {"fields": fields, "releases": releases, "count": len(releases)}


def format_table(results: dict[str, Any]) -> str:
    """Plain-text table of per-field precision and recall with the counts behind them."""
    lines = [f"{'field':<18}{'precision':>10}{'recall':>8}{'tp':>5}{'fp':>5}{'fn':>5}"]
    for f, r in results["fields"].items():
        lines.append(
            f"{f:<18}{r['precision']:>10.2f}{r['recall']:>8.2f}{r['tp']:>5}{r['fp']:>5}{r['fn']:>5}"
        )
    lines.append(f"releases: {results['count']}")
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
