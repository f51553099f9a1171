"""The README's `make` path for newcomers: another Python is refused with a message, a broken
.venv is rebuilt rather than reused, and `make run` takes PORT=. Runs the real Makefile in a
temporary folder (its .venv there, not the project's)."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYTHON311 = shutil.which("python3.11")
OTHER_PYTHON = next(
    (
        path
        for name in ("python3.12", "python3.13", "python3.10", "python3.9")
        if (path := shutil.which(name))
        or (path := next(iter(Path("/root/.pyenv/versions").glob(f"{name[6:]}*/bin/{name}")), None))
    ),
    None,
)


def make(folder, *args):
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def folder(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    return tmp_path


def test_make_run_takes_a_port(folder):
    result = make(folder, "-n", "run", "PORT=8123")
    assert "runserver 127.0.0.1:8123" in result.stdout


@pytest.mark.skipif(OTHER_PYTHON is None, reason="no Python other than 3.11 on this machine")
def test_another_python_is_refused_with_a_message(folder):
    result = make(folder, "venv", f"PYTHON={OTHER_PYTHON}")
    assert result.returncode != 0
    assert "Python 3.11 is needed" in result.stderr
    assert not (folder / ".venv").exists()


@pytest.mark.skipif(PYTHON311 is None, reason="python3.11 is not on the PATH")
def test_a_broken_or_foreign_venv_is_rebuilt(folder):
    subprocess.run([PYTHON311, "-m", "venv", "--without-pip", folder / ".venv"], check=True)
    result = make(folder, "venv", f"PYTHON={PYTHON311}")
    assert result.returncode == 0, result.stderr
    assert "rebuilding it" in result.stdout
    check = subprocess.run([folder / ".venv/bin/python", "-m", "pip", "--version"])
    assert check.returncode == 0
    again = make(folder, "venv", f"PYTHON={PYTHON311}")
    assert again.returncode == 0 and "rebuilding" not in again.stdout
