"""Time the extractor on a ~20 kB release built from the development set, and on
200,000-character texts of several shapes (the longest the API accepts).

Plain script: prints median and p95 milliseconds over N runs (default 50) for the 20 kB
release, and the median of 3 runs for each 200 k text; it asserts nothing, so it can run
on any machine. Targets: 20 kB median under 100 ms, 200 k characters under 1 s. Usage:

    python benchmarks/extraction_bench.py [N]
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agreements.extraction.extractor import extract  # noqa: E402
from agreements.extraction.vocabulary import Vocabulary  # noqa: E402

RELEASES = ROOT / "tests" / "extraction" / "releases"
TARGET_BYTES = 20_000
LONG_CHARS = 200_000


def build_text(target: int = TARGET_BYTES) -> str:
    """Concatenate dev-set releases (founding one first) until the text reaches ``target``."""
    paths = sorted(RELEASES.glob("*.txt"), key=lambda p: "uk-us" not in p.name)
    parts: list[str] = []
    size = 0
    while size < target:
        for path in paths:
            body = path.read_text(encoding="utf-8")
            if parts:  # keep a single header/headline: later releases join the body
                body = "\n".join(body.splitlines()[2:])
            parts.append(body)
            size += len(body.encode("utf-8"))
            if size >= target:
                break
    return "\n".join(parts)


def long_texts() -> dict[str, str]:
    """200 k characters of releases, and shapes that defeat naive rules: one line without a
    full stop full of signing verbs, and capitalised words with no sentence end."""
    releases = build_text(LONG_CHARS)[:LONG_CHARS]
    words = (
        "Minister Jane Doe signed with the UK's Minister for Trade, John Roe, in London "
        "on Tuesday a memorandum of understanding on lithium and cobalt with Japan and "
    ).split()
    prose = " ".join(words[i % len(words)] for i in range(LONG_CHARS // 5))[:LONG_CHARS]
    signed = ("signed " * (LONG_CHARS // 7))[:LONG_CHARS]
    capitals = ("Critical Minerals Partnership Secretary Ambassador " * (LONG_CHARS // 50))[
        :LONG_CHARS
    ]
    return {
        "releases": releases,
        "one line, no full stop": "Headline\n" + prose,
        "signing verbs only": "Headline\n" + signed,
        "capitalised words": "Headline\n" + capitals,
    }


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    started = time.perf_counter()
    vocabulary = Vocabulary.from_reference()
    text = build_text()
    extract(text, dt.date(2026, 2, 5), vocabulary)  # warm-up: compiles the matchers
    setup_ms = (time.perf_counter() - started) * 1000
    timings = []
    for _ in range(runs):
        t0 = time.perf_counter()
        extract(text, dt.date(2026, 2, 5), vocabulary)
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(round(0.95 * len(timings))) - 1)]
    print(f"text: {len(text.encode('utf-8'))} bytes, runs: {runs}")
    print(f"vocabulary + first run: {setup_ms:.1f} ms")
    print(
        f"median: {statistics.median(timings):.1f} ms  p95: {p95:.1f} ms  max: {timings[-1]:.1f} ms"
    )
    for name, long_text in long_texts().items():
        runs_ms = []
        for _ in range(3):
            t0 = time.perf_counter()
            extract(long_text, dt.date(2026, 2, 5), vocabulary)
            runs_ms.append((time.perf_counter() - t0) * 1000)
        print(f"{len(long_text)} characters, {name}: median {statistics.median(runs_ms):.0f} ms")


if __name__ == "__main__":
    main()
