"""The REST API served for real: `dfslab serve` (uvicorn) on 127.0.0.1, called over HTTP with httpx."""

from __future__ import annotations

import contextlib
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


@contextlib.contextmanager
def running_server():
    """`python -m dfslab.app.cli serve` on a free loopback port; yields its base URL, stops it on exit."""
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "dfslab.app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
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


@pytest.fixture(scope="module")
def server():
    with running_server() as base:
        yield base


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


# ---------------------------------------------------------------------------
# /health while heavy requests run (issue 15): measured over real HTTP against the real server.

def _heavy_bodies(n_scenarios: int = 500, field_size: int = 5_000, n_contest_sims: int = 4) -> list[dict]:
    """Two heavy contest simulations (seconds each): races simulated server-side, a field sampler calibrated
    for a fresh ownership vector (up to its 5 s budget), n_scenarios x field_size x n_contest_sims ranked."""
    s = dfslab.demo_slate()
    drivers = [dict(id=p.player_id, name=p.name, salary=int(p.salary), start=int(p.start)) for p in s.players.itertuples()]
    ids = s.players.player_id.tolist()
    order = s.players.salary.argsort().to_numpy()
    lineup = [ids[i] for i in list(order[-2:]) + list(order[:4])]
    bodies = []
    for k in range(2):
        own = dfslab.estimate_ownership(s)["ownership"].to_numpy()
        own = own * (1 + 0.01 * (k + 1) * ((-1.0) ** s.players.index.to_numpy()))  # a fresh vector: no cached sampler
        own = (own * 600 / own.sum()).round(4)
        bodies.append({"drivers": drivers, "race": {"track_archetype": "intermediate", "race_laps": 267},
                       "my_lineups": [lineup], "ownership_estimates": own.tolist(), "n_scenarios": n_scenarios,
                       "field_size": field_size, "n_contest_sims": n_contest_sims, "random_state": k})
    return bodies


def measure_health_under_load(base: str, poll: float = 0.05, n_queued: int = 0, **heavy_size) -> dict:
    """Latency of GET /health (seconds) polled every ``poll`` s while two heavy requests run (one computes,
    one waits for the compute slot), plus ``n_queued`` light /ownership requests queued behind them.
    Returns the latencies of the polls answered while a heavy request was in flight (n, median, p95, max),
    the longest poll of all (``max_any``: a poll queued behind the heavy requests ends after them) and the
    heavy requests' statuses and durations."""
    import threading

    bodies = _heavy_bodies(**heavy_size)
    light = {"drivers": bodies[0]["drivers"], "race": {"track_archetype": "short"}}
    done: dict[int, tuple[int, float]] = {}
    light_status: list[int] = []

    def heavy(k):
        t0 = time.perf_counter()
        r = httpx.post(base + "/contest-sim", json=bodies[k], timeout=300)
        done[k] = (r.status_code, time.perf_counter() - t0)

    def queued():
        light_status.append(httpx.post(base + "/ownership", json=light, timeout=300).status_code)

    threads = [threading.Thread(target=heavy, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    time.sleep(0.5)  # both requests are in: one computing, one queued
    extra = [threading.Thread(target=queued) for _ in range(n_queued)]
    for t in extra:
        t.start()
    time.sleep(0.5 if n_queued else 0.0)
    lat, during, max_any = [], 0, 0.0
    with httpx.Client(timeout=120) as c:
        while any(t.is_alive() for t in threads):
            t0 = time.perf_counter()
            r = c.get(base + "/health")
            dt = time.perf_counter() - t0
            max_any = max(max_any, dt)
            assert r.status_code == 200
            if len(done) < 2:  # answered while at least one heavy request was still running or queued
                lat.append(dt)
                during += 1
            time.sleep(poll)
    for t in threads + extra:
        t.join()
    assert light_status.count(200) == n_queued, light_status
    lat_sorted = sorted(lat)
    return {"n": during, "median": lat_sorted[len(lat) // 2] if lat else float("nan"),
            "p95": lat_sorted[int(0.95 * (len(lat) - 1))] if lat else float("nan"),
            "max": max(lat) if lat else float("nan"), "max_any": max_any, "heavy": [done[k] for k in range(2)],
            "n_queued": n_queued}


def test_health_answers_while_heavy_requests_run(server):
    # 45 queued requests: more than the 40 worker threads, which they used to hold while waiting
    m = measure_health_under_load(server, n_queued=45, n_scenarios=200, field_size=2000, n_contest_sims=2)
    assert [s for s, _ in m["heavy"]] == [200, 200]
    # /health was answered many times while the heavy requests ran (it is not queued behind them; before
    # the fix its first poll waited until both had finished). A liveness bound, not a speed benchmark.
    assert m["n"] >= 5, m
    assert m["max_any"] < 3.0, m


if __name__ == "__main__":  # python tests/test_api_server.py : print the /health latency under load
    with running_server() as base:
        for q in (0, 45):
            res = measure_health_under_load(base, n_queued=q)
            print(f"/health while 2 heavy /contest-sim requests ran (status, s: {[(c, round(t, 1)) for c, t in res['heavy']]}) "
                  f"+ {q} queued /ownership: {res['n']} polls, median {1000 * res['median']:.1f} ms, "
                  f"p95 {1000 * res['p95']:.1f} ms, max {1000 * res['max']:.1f} ms; longest poll {res['max_any']:.2f} s")
