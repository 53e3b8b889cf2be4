"""Requests per second and p95 latency of the public plan page and GET /api/plan/tasks under concurrent
load: Locust (headless) against gunicorn on loopback, PostgreSQL behind it. A trivial Django view
(/healthz: one SELECT 1) is measured in the same run as the baseline, so the ratios say what the plan
pages cost on top of Django itself on this machine.

    python bench/plan_http.py [--users 20] [--seconds 20] [--workers 3]

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust). Uses database ipcity_bench_http (recreated).
"""

from __future__ import annotations

import argparse
import csv
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
OUT = ROOT / "bench" / "out"
DB = "ipcity_bench_http"
PORT = 8765
TARGETS = [
    ("baseline /healthz", "/healthz"),
    ("public plan page /plan/", "/plan/"),
    ("GET /api/plan/tasks", "/api/plan/tasks"),
]


def run(cmd: list[str], env: dict[str, str]) -> None:
    subprocess.run(cmd, cwd=ROOT, env=env, check=True)


def prepare(env: dict[str, str]) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB}")
        conn.execute(f"CREATE DATABASE {DB}")
    run([str(BIN / "python"), "manage.py", "migrate", "--noinput", "-v", "0"], env)
    run([str(BIN / "python"), "manage.py", "load_policy", "policies/yantai-2022-2024"], env)
    run([str(BIN / "python"), "manage.py", "load_demo", "--patents", "0"], env)


def wait_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server did not come up at {url}")


def load(path: str, users: int, seconds: int, env: dict[str, str]) -> dict[str, float]:
    OUT.mkdir(parents=True, exist_ok=True)
    prefix = OUT / ("http" + path.replace("/", "_"))
    run(
        [
            str(BIN / "locust"),
            "-f",
            "bench/locustfile.py",
            "--headless",
            "--only-summary",
            "-u",
            str(users),
            "-r",
            str(users),
            "-t",
            f"{seconds}s",
            "--host",
            f"http://127.0.0.1:{PORT}",
            "--csv",
            str(prefix),
            "--loglevel",
            "WARNING",
        ],
        {**env, "BENCH_PATH": path},
    )
    with open(f"{prefix}_stats.csv", newline="") as fh:
        row = next(r for r in csv.DictReader(fh) if r["Name"] == "Aggregated")
    return {
        "rps": float(row["Requests/s"]),
        "p50": float(row["50%"]),
        "p95": float(row["95%"]),
        "requests": float(row["Request Count"]),
        "failures": float(row["Failure Count"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DEBUG": "false",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_CONN_MAX_AGE": "60",  # gunicorn's sync workers reuse connections, as in production
    }
    prepare(env)
    OUT.mkdir(parents=True, exist_ok=True)
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "config.wsgi:application",
            "-b",
            f"127.0.0.1:{PORT}",
            "-w",
            str(args.workers),
            "--access-logfile",
            "/dev/null",
            "--error-logfile",
            str(OUT / "gunicorn.log"),
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        wait_up(f"http://127.0.0.1:{PORT}/healthz")
        for _, path in TARGETS:  # warm up every worker's caches and connections
            load(path, 4, 2, env)
        results = {name: load(path, args.users, args.seconds, env) for name, path in TARGETS}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)

    base = results[TARGETS[0][0]]
    print(
        f"\nHTTP load: {args.users} concurrent users, {args.seconds}s each, gunicorn {args.workers} sync workers, "
        f"PostgreSQL, {os.cpu_count()} cores (client and server share them)"
    )
    print(f"{'target':<28} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'fail':>6} {'req/s vs baseline':>18}")
    for name, r in results.items():
        print(
            f"{name:<28} {r['rps']:>9.1f} {r['p50']:>8.0f} {r['p95']:>8.0f} {r['failures']:>6.0f} {r['rps'] / base['rps']:>17.2f}x"
        )


if __name__ == "__main__":
    main()
