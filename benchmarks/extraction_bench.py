"""Time the extractor on a ~20 kB release built from the development set.

Plain script: prints median and p95 milliseconds over N runs (default 50); it asserts
nothing, so it can run on any machine. Usage:

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

from agreements.extraction import Vocabulary, extract  # noqa: E402

RELEASES = ROOT / "tests" / "extraction" / "releases"
TARGET_BYTES = 20_000


def build_text() -> str:
    """Concatenate dev-set releases (founding one first) until the text reaches ~20 kB."""
    paths = sorted(RELEASES.glob("*.txt"), key=lambda p: "uk-us" not in p.name)
    parts: list[str] = []
    size = 0
    while size < TARGET_BYTES:
        for path in paths:
            body = path.read_text(encoding="utf-8")
            if parts:  # keep a single header/headline: later releases join the body
                body = "\n".join(body.splitlines()[2:])
            parts.append(body)
            size += len(body.encode("utf-8"))
            if size >= TARGET_BYTES:
                break
    return "\n".join(parts)


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


if __name__ == "__main__":
    main()
