"""The package as `pip install .` delivers it (docs/deployment.md): the wheel is built from
the checkout, installed into a fresh virtual environment in a temporary folder, and the
installed project — not the checkout — migrates, loads the reference data and the catalogue,
collects its static files and serves the API docs and the admin's login page through
gunicorn. Installing every dependency takes a minute or two, so the suite runs it only when
CMAT_WHEEL_TEST=1 (CI: .ci/checks.d/50-wheel.sh)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    os.environ.get("CMAT_WHEEL_TEST") != "1",
    reason="builds and installs the wheel into a fresh venv (minutes); CMAT_WHEEL_TEST=1 runs it",
)


def run(*args, cwd, env=None, timeout=900):
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, (args, result.stdout[-3000:], result.stderr[-3000:])
    return result.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_the_wheel_installs_and_serves_outside_the_checkout(tmp_path):
    dist = tmp_path / "dist"
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, ROOT, cwd=tmp_path)
    (wheel,) = dist.glob("cmat-*.whl")

    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    run(python, "-m", "pip", "install", "-q", wheel, cwd=tmp_path)

    work = tmp_path / "site"
    work.mkdir()
    env = {
        "PATH": f"{venv / 'bin'}:{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
        "STATIC_ROOT": str(work / "static"),
        "SECRET_KEY": "wheel-test-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
    }
    installed = run(
        python, "-c", "import agreements; print(agreements.__file__)", cwd=work, env=env
    )
    assert str(venv) in installed and str(ROOT) not in installed

    admin = venv / "bin" / "django-admin"
    run(admin, "migrate", "--no-input", "-v0", cwd=work, env=env)
    run(admin, "load_reference_data", cwd=work, env=env)
    run(admin, "collectstatic", "--no-input", "-v0", cwd=work, env=env)
    count = run(
        python,
        "-c",
        "import django; django.setup(); from agreements.models import Agreement; "
        "from minerals.models import Mineral; "
        "print(Agreement.objects.count(), Mineral.objects.count())",
        cwd=work,
        env=env,
    )
    agreements, minerals = map(int, count.split())
    assert agreements >= 100 and minerals >= 50

    port = free_port()
    server = subprocess.Popen(
        [
            venv / "bin" / "gunicorn",
            "config.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "1",
        ],
        cwd=work,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                status, _ = get(f"{base}/healthz")
                break
            except OSError:
                time.sleep(0.2)
        status, docs = get(f"{base}/api/docs/")
        assert status == 200 and "swagger" in docs.lower()
        status, login = get(f"{base}/admin/login/")
        assert status == 200 and 'name="password"' in login
        status, body = get(f"{base}/api/v1/agreements/?limit=1")
        assert status == 200 and '"count":' in body
    finally:
        server.terminate()
        server.wait(timeout=30)
