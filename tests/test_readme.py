"""Every fenced shell command of the README runs as written, in order, on a fresh SQLite
database and against a live development server (the one `make run` starts), from a folder
outside the checkout so that files the commands write (`-o uk.csv`) land there.

Only the host and port of the examples (127.0.0.1:8000) are replaced by the test server's.
`curl` fails on an HTTP error status here (the README's commands would print the error
body), so a command that stopped working fails the test. Skipped, each with its reason:

- ``make run``: starts a server and never returns; the test runs its steps (migrate,
  load_reference_data, runserver) itself;
- ``make test``: runs this very suite;
- the PostgreSQL block: needs a PostgreSQL server and creates the database ``cmat``; CI runs
  the suite on PostgreSQL;
- the browser-test block: installs a Debian package (network) and drives Chromium.
"""

import os
import re
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"

SKIPPED = {
    "make run": "starts a server that never returns; its steps run here",
    "make test": "runs this very suite",
    "createdb cmat": "needs PostgreSQL and creates the database cmat",
    "apt-get install": "installs a Debian package (network) for the browser tests",
    "load_supply_shares": "needs a CSV of shares from official statistics; none is shipped",
}

pytestmark = pytest.mark.skipif(
    "sqlite" not in settings.DATABASES["default"]["ENGINE"],
    reason="runs the README once, on its own SQLite database (the SQLite run of the suite)",
)


def shell_blocks() -> list[str]:
    return re.findall(r"^```sh\n(.*?)^```", README.read_text(), flags=re.S | re.M)


def skip_reason(block: str) -> str | None:
    for marker, reason in SKIPPED.items():
        if marker in block:
            return reason
    return None


def test_the_readme_has_runnable_blocks_and_says_why_others_are_skipped():
    blocks = shell_blocks()
    runnable = [b for b in blocks if skip_reason(b) is None]
    assert len(runnable) >= 5, len(runnable)
    skipped = {skip_reason(b) for b in blocks} - {None}
    assert skipped == set(SKIPPED.values()), skipped


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_every_readme_command_runs_as_written(tmp_path):
    work = tmp_path / "clone"
    work.mkdir()
    for name in (".venv", "manage.py", "tests", "benchmarks"):
        (work / name).symlink_to(ROOT / name)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "LOG_LEVEL": "WARNING",
        "REQUEST_LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    python = ROOT / ".venv" / "bin" / "python"

    # What `make run` does before serving.
    for command in (["migrate", "--no-input", "-v0"], ["load_reference_data"]):
        subprocess.run(
            [python, "manage.py", *command],
            cwd=work,
            env={**env, "DEBUG": "1"},
            check=True,
            capture_output=True,
        )
    port = free_port()
    server = subprocess.Popen(
        [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=work,
        env={**env, "DEBUG": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        script = [
            "set -euo pipefail",
            # A failing HTTP status fails the command (the body is still printed).
            'curl() { command curl --silent --show-error --fail-with-body "$@"; echo; }',
        ]
        for block in shell_blocks():
            if skip_reason(block) is None:
                script.append(block.replace("127.0.0.1:8000", f"127.0.0.1:{port}"))
        result = subprocess.run(
            ["bash", "-c", "\n".join(script)],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, (result.stdout[-4000:], result.stderr[-4000:])
        assert (work / "uk.csv").read_text().startswith("slug,")
        assert '"is_published":true' in result.stdout.replace(" ", "")
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_readme_enum_table_matches_the_code():
    from agreements import models

    text = README.read_text()
    for name, row in [
        ("AgreementKind", "agreement `kind`"),
        ("AgreementStatus", "agreement `status`"),
        ("DatePrecision", "`…_precision`"),
        ("SignatureRole", "signature `role`"),
        ("Stage", "mineral `stages`"),
        ("SourceKind", "source `kind`"),
        ("RelationKind", "related `kind`"),
        ("PartyKind", "party `kind`"),
        ("ClaimStatus", "claim `status`"),
    ]:
        line = next(line for line in text.splitlines() if line.startswith(f"| {row} |"))
        assert re.findall(r"`([a-z_]+)`", line.split("|")[2]) == list(
            getattr(models, name).values
        ), name
