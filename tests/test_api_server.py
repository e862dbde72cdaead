"""The REST API served for real: `dfslab serve` (uvicorn) on 127.0.0.1, called over HTTP with httpx."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
httpx = pytest.importorskip("httpx")

import dfslab


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "dfslab.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"server exited early ({proc.returncode}): {proc.stdout.read().decode()[-2000:]}")
            try:
                if httpx.get(base + "/health", timeout=1.0).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("server did not answer /health within 60 s")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        proc.stdout.close()


def test_health_over_http(server):
    r = httpx.get(server + "/health", timeout=10)
    assert r.status_code == 200
    assert r.json()["status"] == "ok" and r.json()["version"] == dfslab.__version__


def test_ownership_and_errors_over_http(server):
    s = dfslab.demo_slate()
    drivers = [dict(id=p.player_id, name=p.name, salary=int(p.salary), start=int(p.start)) for p in s.players.itertuples()]
    r = httpx.post(server + "/ownership", json={"drivers": drivers, "race": {"track_archetype": "short"}}, timeout=30)
    assert r.status_code == 200, r.text
    own = [p["ownership_percent"] for p in r.json()["ownership_predictions"]]
    assert len(own) == s.n_players and abs(sum(own) - 600) < 1e-6
    # validation over the wire names the field
    r = httpx.post(server + "/ownership", json={"drivers": drivers, "race": {"track_archetype": "oval"}}, timeout=30)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "race", "track_archetype"]
    # the body limit is enforced by the real server too (Content-Length checked before reading)
    big = b"[" + b" " * (9 * 1024 * 1024) + b"]"
    r = httpx.post(server + "/ownership", content=big, headers={"content-type": "application/json"}, timeout=30)
    assert r.status_code == 413
