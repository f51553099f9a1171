#!/usr/bin/env bash
# Extraction scores: the development set and the blind set side by side (per field precision,
# recall and counts). Only the blind figures say how the extractor does on text it has never
# seen; its misses are not printed. The thresholds are held by the tests on the development
# set only; this step measures and reports, and fails only if the command itself fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DEBUG=1
folders=(tests/extraction/releases)
if [ -d tests/extraction/blind ] && compgen -G "tests/extraction/blind/*.json" >/dev/null; then
  folders+=(tests/extraction/blind)
else
  echo "tests/extraction/blind does not exist yet: blind column skipped"
fi
# Twice: with the vocabulary a served database has (reference data and the catalogue, whose
# signatories become known names), and with the reference data alone (no known people), the
# stricter measure for releases about events the catalogue does not hold.
for agreements in catalogue none; do
  export DATABASE_URL="sqlite:///$work/scores-$agreements.sqlite3"
  .venv/bin/python manage.py migrate -v 0
  .venv/bin/python manage.py load_reference_data -v 0 --agreements "$agreements"
  echo "--- vocabulary: reference data, agreements: $agreements"
  .venv/bin/python manage.py evaluate_extraction "${folders[@]}"
done
