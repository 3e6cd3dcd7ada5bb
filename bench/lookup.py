"""Public status check under load, against a minimal Django view on the same server, in the same run.

    .venv/bin/python bench/lookup.py                 # 1,000,000 people, 3 rounds of 10 s per scenario
    .venv/bin/python bench/lookup.py --profile       # where one check spends its time, queries per check

On its own PostgreSQL database (default ``postgres://postgres@127.0.0.1:5432/bansos_issue3_bench``, kept
between runs: created, migrated and seeded with ``bansos demo --people N`` — real regions, a synthetic
population, ranking and enrolment in every program's current period — only when it holds fewer people),
the site is started with ``bansos serve`` on loopback under ``config.settings.bench`` and loaded by ``wrk``
(Debian package; a separate process) with the same number of connections for three scenarios, round after
round:

(a) ceiling: ``GET /healthz`` — a minimal Django view (the whole middleware stack, one ``SELECT 1``);
(b) NIK check: ``POST /api/lookup/nik`` with NIKs of 2,000 people drawn at random from the registry;
(c) name check: ``POST /api/lookup/name`` with village + name of 2,000 other people, half of them typed
    with a spelling variant (lower case, Muhammad→Moh., a doubled or dropped letter in a later word).

Prints requests/s, p50 and p99 latency per round, the medians, and the ratios to the ceiling with the
targets (NIK ≥ 0.6 with p99 < 100 ms, name ≥ 0.4). ANTI-BOT IS BYPASSED: the bench settings accept a fixed
token instead of a solved ALTCHA proof-of-work (a load generator cannot solve one per request without
measuring its own CPU), and the rate limits are lifted (all traffic comes from 127.0.0.1). Everything else —
validation, rate-limit bookkeeping, blind index, reads, masking, JSON — runs as in production, with the
rate-limit counters in Redis (``--redis-url``, default ``redis://127.0.0.1:6379/15``; ``""`` keeps them in
each worker's memory). The CPU per request adds the gunicorn processes (app) and the database backends plus
the Redis server (db), read from /proc.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bansos_issue3_bench"
BYPASS_TOKEN = "bench-bypass-token"  # noqa: S105 — config.settings.bench accepts it; nothing else does
TARGETS = {"nik": (0.6, 100.0), "name": (0.4, None)}

WRK_SCRIPT = """
local bodies = {}
local path = "%(path)s"
local method = "%(method)s"
for line in io.lines("%(bodies)s") do bodies[#bodies + 1] = line end
local counter = 0
wrk.headers["Content-Type"] = "application/json"
request = function()
  counter = counter + 1
  if #bodies == 0 then return wrk.format(method, path) end
  return wrk.format(method, path, nil, bodies[(counter %% #bodies) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format(
    "BENCH {\\"requests\\": %%d, \\"duration_us\\": %%d, \\"p50_us\\": %%d, \\"p99_us\\": %%d, "
    .. "\\"errors_status\\": %%d, \\"errors_other\\": %%d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout))
end
"""


def _env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.bench",
            "DATABASE_URL": url,
            "BANSOS_VAR_DIR": str(ROOT / "var" / "bench"),
            "TASKS_BACKEND": "immediate",
        }
    )
    return env


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def seed(url: str, people: int, seed_value: int) -> None:
    """``bansos demo`` is idempotent: it migrates and only adds what is missing."""
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT count(*) FROM registry_person").fetchone()
            present = int(row[0]) if row else 0
            enrolled = conn.execute("SELECT count(*) FROM programs_enrolment").fetchone()
    except psycopg.errors.UndefinedTable:
        present, enrolled = 0, None
    if present >= people and enrolled and enrolled[0]:
        print(f"database already seeded: {present:,} people, {enrolled[0]:,} enrolments")
        # A kept database may predate the code's latest migrations (a missing column answers every check
        # with an error): bring it up to date, a no-op when it already is.
        subprocess.run(
            [str(BIN / "bansos"), "migrate", "--no-input", "-v", "0"],
            env=_env(url),
            check=True,
        )
        return
    print(f"seeding {people:,} people (bansos demo, a few minutes)...", flush=True)
    started = time.perf_counter()
    subprocess.run(
        [str(BIN / "bansos"), "demo", "--people", str(people), "--seed", str(seed_value)],
        env=_env(url),
        check=True,
        stderr=subprocess.DEVNULL,
    )
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")  # planner statistics for the freshly loaded tables
    print(f"seeded in {time.perf_counter() - started:.0f} s")


def sample_queries(url: str, count: int, rng: random.Random) -> tuple[list[str], list[dict[str, str]]]:
    """NIKs of ``count`` random people and (village, name) of ``count`` others, some with a typo."""
    os.environ.update(_env(url))
    import django

    django.setup()
    from bansos.core import crypto
    from bansos.registry.models import Person

    total = Person.objects.count()
    fraction = min(100.0, 100.0 * 4 * count / max(total, 1))
    rows = list(
        Person.objects.raw(
            f"SELECT id, nik_encrypted, full_name, village_id FROM registry_person "
            f"TABLESAMPLE SYSTEM ({fraction:.4f}) REPEATABLE ({rng.randrange(1 << 30)})"
        )
    )
    rng.shuffle(rows)
    niks = [crypto.decrypt(row.nik_encrypted) for row in rows[:count]]
    names = [
        {"village_code": row.village_id, "name": variant(row.full_name, rng)}
        for row in rows[count : 2 * count]
    ]
    from django.db import connections

    connections.close_all()
    return niks, names


def variant(name: str, rng: random.Random) -> str:
    """How people type a name: lower case, and every other time one spelling change."""
    words = name.lower().split()
    if rng.random() < 0.5:
        return " ".join(words)
    if words[0] == "muhammad":
        words[0] = "moh."
    elif len(words) > 1 and len(words[-1]) > 4:
        word, at = words[-1], rng.randrange(2, len(words[-1]) - 1)
        words[-1] = word[:at] + word[at] + word[at:] if rng.random() < 0.5 else word[:at] + word[at + 1 :]
    return " ".join(words)


def start_server(url: str, port: int, workers: int | None) -> subprocess.Popen[bytes]:
    command = [str(BIN / "bansos"), "serve", "--bind", f"127.0.0.1:{port}"]
    if workers:
        command += ["--workers", str(workers)]
    log = open(ROOT / "var" / "bench" / "serve.log", "wb")  # noqa: SIM115 — closed with the process
    server = subprocess.Popen(command, env=_env(url), stdout=log, stderr=log, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"bansos serve exited ({server.returncode}); see var/bench/serve.log")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    stop_server(server)
    raise SystemExit("bansos serve did not answer within 120 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _cpu(pid: int) -> float:
    """User + system CPU seconds of a process (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


class CpuMeter:
    """CPU used by the gunicorn master and workers and by the benchmark database's backends: a cost per
    request that other load on the machine disturbs much less than requests/s."""

    def __init__(self, server_pid: int, url: str, redis_url: str = "") -> None:
        self.server_pid, self.url = server_pid, url
        self.name = urlsplit(url).path.lstrip("/")
        self.redis_pids: list[int] = []
        if redis_url:  # the rate-limit counters' server is part of the check's cost: counted with the db
            import redis

            self.redis_pids = [int(redis.Redis.from_url(redis_url).info("server")["process_id"])]

    def pids(self) -> tuple[list[int], list[int]]:
        import psycopg

        with psycopg.connect(self.url) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [self.name]
            ).fetchall()
        return [self.server_pid, *_children(self.server_pid)], [int(row[0]) for row in rows] + self.redis_pids

    def snapshot(self) -> dict[int, float]:
        app, db = self.pids()
        return {pid: _cpu(pid) for pid in app} | {-pid: _cpu(pid) for pid in db}

    @staticmethod
    def spent(before: dict[int, float], after: dict[int, float]) -> tuple[float, float]:
        app = sum(after[pid] - before.get(pid, 0.0) for pid in after if pid > 0)
        db = sum(after[pid] - before.get(pid, 0.0) for pid in after if pid < 0)
        return app, db


def wrk(
    base: str, method: str, path: str, bodies: list[str], *, seconds: int, connections: int, threads: int
) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="bansos-bench-") as folder:
        bodies_file = Path(folder) / "bodies.txt"
        bodies_file.write_text("".join(body + "\n" for body in bodies))
        script = Path(folder) / "script.lua"
        script.write_text(WRK_SCRIPT % {"path": path, "method": method, "bodies": bodies_file})
        command = [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "5s",
            "-s",
            str(script),
        ]
        result = subprocess.run([*command, base], capture_output=True, text=True, check=True)
    line = next(line for line in result.stdout.splitlines() if line.startswith("BENCH "))
    data = json.loads(line[len("BENCH ") :])
    return {
        "rps": data["requests"] / (data["duration_us"] / 1e6),
        "p50": data["p50_us"] / 1000,
        "p99": data["p99_us"] / 1000,
        "errors": data["errors_status"] + data["errors_other"],
    }


def profile(url: str, niks: list[str], names: list[dict[str, str]]) -> None:
    """In-process: queries per check, then where 300 NIK checks and 100 name checks spend their time."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")

    def nik_check(nik: str) -> Any:
        return client.post(
            "/api/lookup/nik",
            json.dumps({"nik": nik, "altcha": BYPASS_TOKEN}),
            content_type="application/json",
        )

    def name_check(query: dict[str, str]) -> Any:
        body = json.dumps({**query, "altcha": BYPASS_TOKEN})
        return client.post("/api/lookup/name", body, content_type="application/json")

    for nik in niks[:20]:
        nik_check(nik)  # warm the caches
    for query in names[:20]:
        name_check(query)
    with CaptureQueriesContext(connection) as nik_queries:
        nik_check(niks[21])
    with CaptureQueriesContext(connection) as name_queries:
        name_check(names[21])
    print(f"queries per check: NIK {len(nik_queries)}, name {len(name_queries)}")
    for label, calls in (
        ("NIK", lambda: [nik_check(nik) for nik in niks[100:400]]),
        ("name", lambda: [name_check(query) for query in names[100:200]]),
    ):
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.runcall(calls)
        elapsed = time.perf_counter() - started
        count = 300 if label == "NIK" else 100
        print(f"\n{label} check, in process: {1000 * elapsed / count:.2f} ms per check (under the profiler)")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(14)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--port", type=int, default=8310)
    parser.add_argument(
        "--workers", type=int, help="gunicorn workers (default: bansos serve's 2 x cores + 1)"
    )
    parser.add_argument("--seconds", type=int, default=6, help="duration of each scenario in each round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds; the scenarios alternate within each")
    parser.add_argument(
        "--connections", type=int, default=8, help="wrk connections, the same for every scenario"
    )
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--sample", type=int, default=2000, help="distinct NIKs and names to query")
    parser.add_argument(
        "--profile", action="store_true", help="profile the checks in process instead of serving"
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"),
        help='the cache (rate-limit counters), as REDIS_URL in production; "" for per-process memory',
    )
    args = parser.parse_args()

    # Rate limits are counted where production counts them (REDIS_URL) unless --redis-url "" is given.
    if args.redis_url:
        os.environ["REDIS_URL"] = args.redis_url
    else:
        os.environ.pop("REDIS_URL", None)
    if not args.profile and not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    ensure_database(args.database_url)
    seed(args.database_url, args.people, args.seed)
    rng = random.Random(args.seed)
    niks, names = sample_queries(args.database_url, args.sample, rng)
    if args.profile:
        profile(args.database_url, niks, names)
        return

    print(
        "NOTE: anti-bot verification is BYPASSED in this benchmark (config.settings.bench accepts a fixed\n"
        "      token instead of a solved ALTCHA proof-of-work) and rate limits are lifted (requests are\n"
        "      still counted); everything else runs as in production."
    )
    cache_where = f"Redis at {args.redis_url} (as production)" if args.redis_url else "per-process memory"
    print(f"Rate-limit counters: {cache_where}; db CPU includes the Redis server's.")
    nik_bodies = [json.dumps({"nik": nik, "altcha": BYPASS_TOKEN}) for nik in niks]
    name_bodies = [json.dumps({**query, "altcha": BYPASS_TOKEN}) for query in names]
    base = f"http://127.0.0.1:{args.port}"
    server = start_server(args.database_url, args.port, args.workers)
    meter = CpuMeter(server.pid, args.database_url, args.redis_url)
    scenarios = {
        "ceiling": ("GET", "/healthz", []),
        "nik": ("POST", "/api/lookup/nik", nik_bodies),
        "name": ("POST", "/api/lookup/name", name_bodies),
    }
    results: dict[str, list[dict[str, float]]] = {name: [] for name in scenarios}
    try:
        for method, path, bodies in scenarios.values():  # warm-up: caches, connections, page cache
            wrk(base, method, path, bodies, seconds=3, connections=args.connections, threads=args.threads)
        print(
            f"\n{args.rounds} rounds x {args.seconds} s per scenario, {args.connections} connections, "
            f"wrk {args.threads} threads, server: {(ROOT / 'var' / 'bench' / 'serve.log')}"
        )
        print(
            f"{'round':>5} {'scenario':<8} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} "
            f"{'app CPU':>8} {'db CPU':>7}  (CPU: ms per request)"
        )
        for round_number in range(1, args.rounds + 1):
            for name, (method, path, bodies) in scenarios.items():
                before = meter.snapshot()
                figures = wrk(
                    base,
                    method,
                    path,
                    bodies,
                    seconds=args.seconds,
                    connections=args.connections,
                    threads=args.threads,
                )
                app_cpu, db_cpu = CpuMeter.spent(before, meter.snapshot())
                requests = figures["rps"] * args.seconds
                figures["app_ms"] = 1000 * app_cpu / requests if requests else 0.0
                figures["db_ms"] = 1000 * db_cpu / requests if requests else 0.0
                results[name].append(figures)
                print(
                    f"{round_number:>5} {name:<8} {figures['rps']:>9.1f} {figures['p50']:>8.1f} "
                    f"{figures['p99']:>8.1f} {int(figures['errors']):>7} {figures['app_ms']:>8.2f} "
                    f"{figures['db_ms']:>7.2f}",
                    flush=True,
                )
    finally:
        stop_server(server)

    keys = ("rps", "p50", "p99", "errors", "app_ms", "db_ms")
    medians = {
        name: {key: statistics.median(run[key] for run in runs) for key in keys}
        for name, runs in results.items()
    }
    ceiling = medians["ceiling"]
    print(f"\nmedians of {args.rounds} rounds (ratio: requests/s against the ceiling's; CPU r.: the")
    print("ceiling's app + db CPU per request against the scenario's, less disturbed by other load)")
    header = (
        f"{'scenario':<8} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms':>7} {'ratio':>6} {'CPU r.':>6}"
    )
    print(f"{header}  target")
    for name, figures in medians.items():
        ratio = figures["rps"] / ceiling["rps"] if ceiling["rps"] else 0.0
        cpu = figures["app_ms"] + figures["db_ms"]
        cpu_ratio = (ceiling["app_ms"] + ceiling["db_ms"]) / cpu if cpu else 0.0
        target = ""
        if name in TARGETS:
            minimum, p99_limit = TARGETS[name]
            met = (
                ratio >= minimum
                and (p99_limit is None or figures["p99"] < p99_limit)
                and figures["errors"] == 0
            )
            target = f">= {minimum}" + (f", p99 < {p99_limit:.0f} ms" if p99_limit else "")
            target += "  MET" if met else "  NOT MET"
        row = (
            f"{name:<8} {figures['rps']:>9.1f} {figures['p50']:>8.1f} {figures['p99']:>8.1f} {cpu:>7.2f} "
            f"{ratio:>6.2f} {cpu_ratio:>6.2f}"
        )
        print(f"{row}  {target}")
    print("(anti-bot verification bypassed with the bench token; see the note above)")
    failed = [name for name, runs in results.items() if any(run["errors"] for run in runs)]
    if failed:
        failing = ", ".join(failed)
        print(f"WARNING: error answers in {failing} (see the server log): those figures are not valid")


if __name__ == "__main__":
    main()
