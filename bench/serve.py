"""Time ``engagekit serve`` against a bare server of the same framework, reads and writes.

Run from the project root after installing (see README); a full run takes a few minutes:

    python bench/serve.py [--records 100000] [--seconds 5] [--rounds 2] [--connections 16]
                          [--clients 16] [--per-client 500] [--postgresql URL] [--no-writes]
                          [--profile]

Everything runs on the loopback address, every load bounded in time or count.

Reads. A SQLite store in a temporary folder gets ``--records`` engagement events for Thurrock
(the seeded file :mod:`records` generates), and a few hundred action updates for Basildon
(Thurrock's definition has no action plan, so its actions read is empty). ``engagekit serve``
(real uvicorn, one worker) serves that store; beside it, in the same run, a baseline: a bare
FastAPI application on the same uvicorn answering each path with the bytes ``engagekit
serve`` gave for it, held in memory. ``wrk`` (Debian's, ``apt-get install wrk``) drives each
path on each server at ``--connections`` connections for ``--seconds``, the two servers
alternating for ``--rounds`` rounds; the best round of each is kept. Paths: Thurrock's
dashboard, its findings (``/api/councils/thurrock/findings``) and Basildon's actions
(``/api/councils/basildon/actions``). Goals (issue 11): throughput at least 0.5x the
baseline's, p99 latency at most 3x.

Writes. ``--clients`` concurrent clients each write ``--per-client`` event records through the
API's write endpoint with a write token, on SQLite (one worker) and on PostgreSQL (two
workers, ``--postgresql``, its own schema, dropped afterwards); afterwards every record must be
in the store exactly once. The baseline is a bare FastAPI endpoint on the same uvicorn and
worker count inserting one row per request into the same table with the same driver
(SQLAlchemy on sqlite3 / psycopg). Goal: at least 0.5x the baseline's throughput.

``--profile`` adds a cProfile of the three reads answered from the cache, in-process, through the
whole application (middleware, routing, route) with the route's thread-pool hand-over made a
direct call (:func:`profile_reads`); it does not change what the timed runs measure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import datetime as dt
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchkit import cprofile, log, machine, met

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-22"
READS = {
    "dashboard": "/councils/thurrock",
    "findings": "/api/councils/thurrock/findings",
    "actions": "/api/councils/basildon/actions",
}
THROUGHPUT_GOAL = 0.5
LATENCY_GOAL = 3.0
WRITE_GOAL = 0.5
POSTGRESQL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BASILDON_ACTIONS = ["CN-1", "CN-2", "CN-3", "CN-4", "CN-5"]
STATUSES = ["not-started", "in-progress", "in-progress", "at-risk", "completed"]


# -- the store ----------------------------------------------------------------------------


def fill_store(workdir: Path, rows: int) -> dict[str, str]:
    """A SQLite store with ``rows`` Thurrock events and Basildon action updates; its environment."""
    import random

    import records

    database = workdir / "store.db"
    env = service_environment(f"sqlite:///{database}", workdir)
    events = workdir / "events.csv"
    records.generate(events, rows)
    updates = workdir / "updates.csv"
    rng = random.Random(records.SEED)
    with updates.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["kind", "date", "action", "status", "percent", "note"])
        for number in range(500):
            day = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(690))
            status = rng.choice(STATUSES)
            percent = 100 if status == "completed" else (0 if status == "not-started" else rng.randrange(1, 100))
            writer.writerow(
                ["action-update", day.isoformat(), rng.choice(BASILDON_ACTIONS), status, percent, f"u{number}"]
            )
    for council, path in (("thurrock", events), ("basildon", updates)):
        run([*engagekit(), "import", str(path), "--council", council], env)
    return env


def service_environment(url: str, workdir: Path) -> dict[str, str]:
    env = {**os.environ, "ENGAGEKIT_DATABASE_URL": url, "ENGAGEKIT_TODAY": AS_OF}
    env["ENGAGEKIT_CONFIG"] = str(workdir / "no-config.toml")  # no user config file
    env["ENGAGEKIT_CACHE_DIR"] = str(workdir / "cache")
    env["ENGAGEKIT_RECORDED_BY"] = "bench"
    env["ENGAGEKIT_SECRET_KEY"] = secrets.token_hex(32)
    return env


def engagekit() -> list[str]:
    script = Path(sys.executable).with_name("engagekit")
    return [str(script)] if script.exists() else [sys.executable, "-m", "engagekit"]


def run(command: list[str], env: dict[str, str], stdin: str | None = None) -> str:
    result = subprocess.run(command, env=env, input=stdin, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")
    return result.stdout


# -- servers ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def server(command: list[str], env: dict[str, str], port: int, log_path: Path) -> Iterator[str]:
    """Start a server process; yield its base URL once ``/healthz`` answers; stop it afterwards."""
    import httpx

    with log_path.open("wb") as stream:
        process = subprocess.Popen(command, env=env, stdout=stream, stderr=stream)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    raise SystemExit(f"{' '.join(command)} stopped: {log_path.read_text()[-2000:]}")
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit(f"{' '.join(command)} did not answer /healthz within 60 s")
                time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def serve(env: dict[str, str], workdir: Path, name: str, workers: int = 1) -> contextlib.AbstractContextManager[str]:
    port = free_port()
    command = [*engagekit(), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    return server(command, env, port, workdir / f"{name}.log")


def baseline(
    kind: str, env: dict[str, str], workdir: Path, name: str, workers: int = 1
) -> contextlib.AbstractContextManager[str]:
    """A bare server (``--baseline-reads`` or ``--baseline-writes``, run as a child of this script)."""
    port = free_port()
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        f"--baseline-{kind}",
        str(workdir),
        str(port),
        str(workers),
    ]
    return server(command, env, port, workdir / f"{name}.log")


def baseline_reads(workdir: Path) -> Any:
    """The bare application: each read path answered with the bytes saved for it, from memory."""
    from fastapi import FastAPI
    from starlette.responses import Response

    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    saved = json.loads((workdir / "pages.json").read_text())

    def answer(body: bytes, media_type: str) -> Any:
        def route() -> Response:
            return Response(body, media_type=media_type)

        return route

    for path, (file_name, media_type) in saved.items():
        app.add_api_route(path, answer((workdir / file_name).read_bytes(), media_type), methods=["GET"])
    app.add_api_route("/healthz", lambda: Response(b"ok\n", media_type="text/plain"), methods=["GET"])
    return app


def baseline_writes() -> Any:
    """The bare application: each POST inserts one event row, with SQLAlchemy on the store's driver.

    The engine is the records store's own (its pool, its connection settings, ``BEGIN
    IMMEDIATE`` on SQLite), so the only difference left is engagekit's work around the insert.
    """
    import sqlalchemy as sa
    from fastapi import Body, FastAPI
    from starlette.responses import JSONResponse, Response

    from engagekit.records import schema
    from engagekit.records.store import open_store

    store = open_store(os.environ["ENGAGEKIT_DATABASE_URL"])
    engine: sa.Engine = store.engine
    events = schema.RECORD_TABLES["event"]
    statement = events.insert().returning(events.c.id)
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.post("/bare/{council_id}/records", status_code=201)
    def insert(council_id: str, body: dict[str, Any] = Body(...)) -> Response:  # noqa: B008 (FastAPI's way)
        values = {
            "council_id": council_id,
            "date": dt.date.fromisoformat(body["date"]),
            "event_kind": body["event"],
            "cluster_id": body.get("cluster"),
            "level": body.get("level"),
            "title": body.get("title"),
            "public": False,
            "agm": False,
            "recorded_by": "bench",
            "recorded_at": dt.datetime.now(dt.UTC),
        }
        with engine.connect().execution_options(engagekit_write=True) as connection, connection.begin():
            new_id = connection.execute(statement, values).scalar_one()
        return JSONResponse({"id": new_id}, status_code=201)

    app.add_api_route("/healthz", lambda: Response(b"ok\n", media_type="text/plain"), methods=["GET"])
    return app


def run_baseline(kind: str, workdir: Path, port: int, workers: int) -> None:
    import uvicorn

    os.environ["ENGAGEKIT_BENCH_WORKDIR"] = str(workdir)
    target = f"serve:_baseline_{kind}_app"
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    uvicorn.run(
        target, factory=True, host="127.0.0.1", port=port, workers=workers, access_log=False, server_header=False
    )


def _baseline_reads_app() -> Any:
    return baseline_reads(Path(os.environ["ENGAGEKIT_BENCH_WORKDIR"]))


def _baseline_writes_app() -> Any:
    return baseline_writes()


# -- reads ---------------------------------------------------------------------------------

_WRK_RATE = re.compile(r"Requests/sec:\s+([\d.]+)")
_WRK_P99 = re.compile(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_WRK_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")


def wrk(url: str, seconds: int, connections: int) -> tuple[float, float]:
    """Requests per second and p99 latency in ms of ``url`` under ``wrk`` for ``seconds``."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate, p99 = _WRK_RATE.search(output), _WRK_P99.search(output)
    if rate is None or p99 is None:
        raise SystemExit(f"cannot read wrk's output:\n{output}")
    failed = _WRK_NON_2XX.search(output)
    if failed:
        raise SystemExit(f"{url}: {failed.group(1)} answers were not 2xx:\n{output}")
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    return float(rate.group(1)), float(p99.group(1)) * scale


def save_pages(base: str, workdir: Path) -> None:
    """What ``engagekit serve`` answers on each read path, saved for the baseline (and warming its cache)."""
    import httpx

    saved = {}
    for name, path in READS.items():
        response = httpx.get(base + path, timeout=60)
        response.raise_for_status()
        (workdir / f"{name}.body").write_bytes(response.content)
        saved[path] = (f"{name}.body", response.headers["content-type"])
        log(f"  {path}: {len(response.content):,} bytes")
    (workdir / "pages.json").write_text(json.dumps(saved))


def bench_reads(env: dict[str, str], workdir: Path, args: argparse.Namespace) -> list[dict[str, Any]]:
    rows = []
    with serve(env, workdir, "serve-reads") as served:
        save_pages(served, workdir)
        with baseline("reads", env, workdir, "baseline-reads") as bare:
            for name, path in READS.items():
                best: dict[str, tuple[float, float]] = {}
                for _ in range(args.rounds):
                    for label, base in (("baseline", bare), ("engagekit", served)):
                        rate, p99 = wrk(base + path, args.seconds, args.connections)
                        log(f"  {name} {label}: {rate:,.0f} req/s, p99 {p99:.1f} ms")
                        if label not in best or rate > best[label][0]:
                            best[label] = (rate, p99)
                rate_ratio = best["engagekit"][0] / best["baseline"][0]
                p99_ratio = best["engagekit"][1] / best["baseline"][1]
                rows.append(
                    {
                        "name": name,
                        "path": path,
                        "bytes": (workdir / f"{name}.body").stat().st_size,
                        "baseline": best["baseline"],
                        "engagekit": best["engagekit"],
                        "rate_ratio": rate_ratio,
                        "p99_ratio": p99_ratio,
                        "met": rate_ratio >= THROUGHPUT_GOAL and p99_ratio <= LATENCY_GOAL,
                    }
                )
    return rows


# -- writes --------------------------------------------------------------------------------


def bench_writes(workdir: Path, args: argparse.Namespace) -> list[dict[str, Any]]:
    """Each store: the bare endpoint, then engagekit's, each on a fresh store, then the check."""
    rows = []
    total = args.clients * args.per_client
    for store_name, workers in (("SQLite", 1), ("PostgreSQL", 2)):
        rates: dict[str, float] = {}
        once = True
        for label in ("baseline", "engagekit"):
            with fresh_store(store_name, workdir, label, args.postgresql) as url:
                env = service_environment(url, workdir)
                token = write_token(url)
                name = f"writes-{store_name.lower()}-{label}"
                if label == "baseline":
                    context, path, headers = (
                        baseline("writes", env, workdir, name, workers),
                        "/bare/thurrock/records",
                        {},
                    )
                else:
                    context, path = serve(env, workdir, name, workers), "/api/councils/thurrock/records"
                    headers = {"authorization": f"Bearer {token}"}
                with context as base:
                    seconds, statuses = asyncio.run(write_load(base + path, headers, args.clients, args.per_client))
                wrong = {status: count for status, count in statuses.items() if status != 201}
                if wrong:
                    raise SystemExit(f"{store_name} {label}: answers other than 201: {wrong}")
                kept = titles_kept(url)
                expected = {
                    f"bench {client}-{number}" for client in range(args.clients) for number in range(args.per_client)
                }
                kept_once = set(kept) == expected and set(kept.values()) == {1}
                once = once and kept_once
                rates[label] = total / seconds
                log(f"  {store_name} ({workers} workers) {label}: {rates[label]:,.0f} records/s, once: {kept_once}")
        ratio = rates["engagekit"] / rates["baseline"]
        rows.append(
            {
                "store": store_name,
                "workers": workers,
                "baseline": rates["baseline"],
                "engagekit": rates["engagekit"],
                "ratio": ratio,
                "once": "yes" if once else "NO",
                "met": once and ratio >= WRITE_GOAL,
            }
        )
    return rows


@contextlib.contextmanager
def fresh_store(store_name: str, workdir: Path, label: str, postgresql: str) -> Iterator[str]:
    """A new empty store, its tables made by the migrations: a SQLite file, or a PostgreSQL schema (dropped after)."""
    from engagekit.records.store import open_store

    if store_name == "SQLite":
        path = workdir / f"writes-{label}.db"
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
        open_store(url).close()
        yield url
        return
    import sqlalchemy as sa

    schema_name = f"ek_bench_{secrets.token_hex(4)}"
    admin = sa.create_engine(postgresql, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema_name}"')
    try:
        url = f"{postgresql}?options=-csearch_path%3D{schema_name}"
        open_store(url).close()
        yield url
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE')
        admin.dispose()


def write_token(url: str) -> str:
    from engagekit.accounts import Scope, queries
    from engagekit.records.store import open_store

    with open_store(url) as store:
        _, secret = queries.create_token(store, "thurrock", "bench", Scope.write)
    return secret


async def write_load(url: str, headers: dict[str, str], clients: int, per_client: int) -> tuple[float, Counter[int]]:
    """``clients`` clients at once, each POSTing ``per_client`` events one after another: seconds taken, statuses."""
    import httpx

    statuses: Counter[int] = Counter()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(headers=headers, limits=limits, timeout=60) as http:

        async def client(number: int) -> None:
            for each in range(per_client):
                record = {
                    "kind": "event",
                    "date": (dt.date(2026, 1, 1) + dt.timedelta(days=each % 300)).isoformat(),
                    "event": "newsletter",
                    "cluster": "grays",
                    "level": "inform",
                    "title": f"bench {number}-{each}",
                }
                answer = await http.post(url, json=record)
                statuses[answer.status_code] += 1

        began = time.perf_counter()
        await asyncio.gather(*(client(number) for number in range(clients)))
        return time.perf_counter() - began, statuses


def titles_kept(url: str) -> Counter[str]:
    """How many times each bench event's title is in the store."""
    import sqlalchemy as sa

    from engagekit.records import schema
    from engagekit.records.store import open_store

    events = schema.RECORD_TABLES["event"]
    with open_store(url) as store:
        rows = store.read(
            sa.select(events.c.title, sa.func.count().label("n"))
            .where(events.c.title.like("bench %"))
            .group_by(events.c.title)
        )
    return Counter({str(row["title"]): int(row["n"]) for row in rows})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=5, help="each wrk run's length")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--per-client", type=int, default=500)
    parser.add_argument(
        "--postgresql", default=POSTGRESQL, help="the PostgreSQL server for the writes (a schema of its own)"
    )
    parser.add_argument("--no-writes", action="store_true")
    parser.add_argument("--no-reads", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--baseline-reads", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--baseline-writes", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    for kind in ("reads", "writes"):
        given = getattr(args, f"baseline_{kind}")
        if given:
            run_baseline(kind, Path(given[0]), int(given[1]), int(given[2]))
            return
    if shutil.which("wrk") is None and not args.no_reads:
        raise SystemExit("bench/serve.py needs wrk for the reads (apt-get install wrk), or --no-reads")
    with contextlib.ExitStack() as stack:
        workdir = args.workdir or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="engagekit-serve-")))
        workdir.mkdir(parents=True, exist_ok=True)
        started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        load = os.getloadavg()
        log(f"{started}; {machine()}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        reads: list[dict[str, Any]] = []
        if not args.no_reads:
            log(f"filling a SQLite store with {args.records:,} Thurrock events and 500 Basildon action updates")
            began = time.perf_counter()
            env = fill_store(workdir, args.records)
            log(f"  {time.perf_counter() - began:.1f} s")
            if args.profile:
                log(profile_reads(env))
            reads = bench_reads(env, workdir, args)
        writes: list[dict[str, Any]] = []
        if not args.no_writes:
            writes = bench_writes(workdir, args)
        report(started, load, args, reads, writes)


def report(
    started: str,
    load: tuple[float, float, float],
    args: argparse.Namespace,
    reads: list[dict[str, Any]],
    writes: list[dict[str, Any]],
) -> None:
    print(f"{started}; {machine()}; load average at the start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    if reads:
        print()
        print(
            f"Reads, {args.records:,} records, {args.connections} connections, "
            f"best of {args.rounds} × {args.seconds} s (wrk):"
        )
        print()
        print(
            "| read | bytes | baseline req/s | engagekit req/s | ratio (goal ≥ 0.5) "
            "| baseline p99 | engagekit p99 | ratio (goal ≤ 3) | |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
        for row in reads:
            (b_rate, b_p99), (e_rate, e_p99) = row["baseline"], row["engagekit"]
            print(
                f"| {row['name']} `{row['path']}` | {row['bytes']:,} | {b_rate:,.0f} | {e_rate:,.0f} "
                f"| {row['rate_ratio']:.2f} "
                f"| {b_p99:.1f} ms | {e_p99:.1f} ms | {row['p99_ratio']:.2f} | {met(row['met'])} |"
            )
    if writes:
        print()
        print(f"Writes, {args.clients} clients × {args.per_client} records:")
        print()
        print("| store | workers | baseline rec/s | engagekit rec/s | ratio (goal ≥ 0.5) | every record once | |")
        print("|---|---:|---:|---:|---:|---|---|")
        for row in writes:
            print(
                f"| {row['store']} | {row['workers']} | {row['baseline']:,.0f} | {row['engagekit']:,.0f} "
                f"| {row['ratio']:.2f} "
                f"| {row['once']} | {met(row['met'])} |"
            )


def profile_reads(env: dict[str, str]) -> str:
    """cProfile of 1,000 requests of each read path answered from the cache, through the whole
    application as uvicorn calls it (its middleware, routing and route), in this thread: the ASGI
    application is called directly, and FastAPI's hand-over of a plain ``def`` route to its
    thread pool is made a direct call while profiling, so the route's work is in sight (in
    another thread it would be out of the profiler's). No HTTP parsing, no sockets."""
    import asyncio

    import fastapi.routing

    saved = dict(os.environ)
    os.environ.update(env)
    handing_over = fastapi.routing.run_in_threadpool

    async def in_this_thread(call: Any, /, *args: Any, **kwargs: Any) -> Any:
        return call(*args, **kwargs)

    try:
        from engagekit.web.app import create_app

        app = create_app(access_log=False)

        def scope(path: str) -> dict[str, Any]:
            headers = [(b"host", b"127.0.0.1"), (b"user-agent", b"bench"), (b"accept", b"*/*")]
            return {
                "type": "http",
                "asgi": {"version": "3.0"},
                "http_version": "1.1",
                "method": "GET",
                "scheme": "http",
                "path": path,
                "raw_path": path.encode(),
                "query_string": b"",
                "root_path": "",
                "headers": headers,
                "client": ("127.0.0.1", 40000),
                "server": ("127.0.0.1", 8000),
                "state": {},
            }

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: Any) -> None:
            if message["type"] == "http.response.start" and message["status"] != 200:
                raise SystemExit(f"profile: {message['status']} for a read")

        async def requests(count: int) -> None:
            for path in READS.values():
                for _ in range(count):
                    await app(scope(path), receive, send)

        fastapi.routing.run_in_threadpool = in_this_thread  # type: ignore[assignment]
        asyncio.run(requests(1))  # built, and kept
        return cprofile(lambda: asyncio.run(requests(1000)), 25)
    finally:
        fastapi.routing.run_in_threadpool = handing_over  # type: ignore[assignment]
        app.state.site.close()
        os.environ.clear()
        os.environ.update(saved)


if __name__ == "__main__":
    main()
