"""Load benchmark (part of `make bench`): hundreds of concurrent payments for a few seconds.

Each task charges in a loop until the run's time is up (BENCH_LOAD_SECONDS, default 4), then
finishes the call it is in; a run ends when every task has. Servers, each in its own process on
loopback: a fixed-answer server (uvicorn, one JSON answer: what the client costs) and the
sandbox. Each run is its own process, so its peak RSS is its own. Ratios are to plain httpx
measured in the same `make bench`, since this shared 2-core machine's speed varies by the
minute. Prints a table; asserts nothing.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from bench import BODY, KEY, free_port, sandbox_process

SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "4"))
CONCURRENCY = tuple(int(n) for n in os.environ.get("BENCH_LOAD_TASKS", "500,1000").split(","))
THREADS = 32
# The same generous limits for the plain clients as the defaults give ours: 100 connections,
# and time enough that a slow client shows as latency, not as errors.
PLAIN_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)
PLAIN_TIMEOUT = httpx.Timeout(60.0, connect=5.0)

ANSWER = json.dumps(
    {
        "operationType": "Charge",
        "operationResultCode": "Success",
        "amount": 1.0,
        "currency": "USD",
        "gatewayName": "NULLSuccess",
        "gatewayReference": "ref-000001",
        "gatewayResultCode": "00",
        "gatewayResultDescription": "Approved",
    }
).encode()


async def fixed_answer(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """An ASGI app answering every request with the same charge result."""
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(ANSWER))]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": ANSWER})


def serve_fixed(port: int) -> None:
    import uvicorn

    uvicorn.run(
        fixed_answer,
        host="127.0.0.1",
        port=port,
        log_level="error",
        access_log=False,
        lifespan="off",
        http="httptools",
    )


@contextmanager
def fixed_process() -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, __file__, "--serve-fixed", str(port)])
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                httpx.post(f"{url}/PaymentGateway/charge", json=BODY, timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# --- one run, in its own process -------------------------------------------------------------


class Tally:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors: Counter[str] = Counter()
        self.rss: list[float] = []
        self.lock = threading.Lock()

    def record(self, started: float, error: BaseException | None) -> None:
        if error is None:
            self.latencies.append(time.perf_counter() - started)
        else:
            self.errors[type(error).__name__] += 1

    def result(self, elapsed: float) -> dict[str, Any]:
        lat = sorted(self.latencies) or [0.0]
        settled = self.rss[len(self.rss) // 4 :] or [0.0]
        return {
            "ok": len(self.latencies),
            "errors": dict(self.errors),
            "rps": len(self.latencies) / elapsed,
            "p50": lat[len(lat) // 2],
            "p99": lat[min(len(lat) - 1, int(len(lat) * 0.99))],
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "rss_growth_mb": settled[-1] - settled[0],
        }


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


async def run_async(kind: str, tasks: int, url: str) -> dict[str, Any]:
    from orchestra_payments import AsyncOrchestra

    tally = Tally()
    closers: list[Callable[[], Awaitable[None]]] = []
    call: Callable[[], Awaitable[Any]]
    if kind == "httpx":
        plain = httpx.AsyncClient(
            base_url=url, headers={"X-Api-Key": KEY}, limits=PLAIN_LIMITS, timeout=PLAIN_TIMEOUT
        )
        closers.append(plain.aclose)

        async def call() -> Any:
            response = await plain.post("/PaymentGateway/charge", json=BODY)
            response.raise_for_status()
            return json.loads(response.content)

    else:
        client = AsyncOrchestra(
            api_key=KEY,
            base_url=url,
            http_backend="aiohttp" if kind == "orchestra-aiohttp" else "httpx",
        )
        closers.append(client.aclose)

        async def call() -> Any:
            return await client.payment_gateway.charge(BODY)

    stop = time.monotonic() + SECONDS

    async def worker() -> None:
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                await call()
            except Exception as exc:
                tally.record(started, exc)
            else:
                tally.record(started, None)

    async def sample() -> None:
        while time.monotonic() < stop:
            tally.rss.append(rss_mb())
            await asyncio.sleep(0.25)

    t0 = time.perf_counter()
    sampler = asyncio.create_task(sample())
    await asyncio.gather(*(worker() for _ in range(tasks)))
    elapsed = time.perf_counter() - t0
    await sampler
    for close in closers:
        await close()
    return tally.result(elapsed)


def run_threads(kind: str, threads: int, url: str) -> dict[str, Any]:
    from orchestra_payments import Orchestra

    tally = Tally()
    call: Callable[[], Any]
    if kind == "httpx":
        plain = httpx.Client(
            base_url=url, headers={"X-Api-Key": KEY}, limits=PLAIN_LIMITS, timeout=PLAIN_TIMEOUT
        )

        def call() -> Any:
            response = plain.post("/PaymentGateway/charge", json=BODY)
            response.raise_for_status()
            return json.loads(response.content)

    else:
        client = Orchestra(api_key=KEY, base_url=url)

        def call() -> Any:
            return client.payment_gateway.charge(BODY)

    stop = time.monotonic() + SECONDS

    def worker() -> None:
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                call()
            except Exception as exc:
                error: BaseException | None = exc
            else:
                error = None
            with tally.lock:
                tally.record(started, error)

    t0 = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    while time.monotonic() < stop:
        tally.rss.append(rss_mb())
        time.sleep(0.25)
    for thread in pool:
        thread.join()
    return tally.result(time.perf_counter() - t0)


def one_run(mode: str, kind: str, n: int, url: str) -> dict[str, Any]:
    """Runs ``bench/load.py --run MODE KIND N URL`` in a fresh process; its result."""
    out = subprocess.run(
        [sys.executable, __file__, "--run", mode, kind, str(n), url],
        capture_output=True,
        text=True,
        check=True,
        timeout=SECONDS + 180,
    ).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


# --- the table ---------------------------------------------------------------------------------

ASYNC_CLIENTS = (
    ("plain httpx.AsyncClient", "httpx"),
    ("AsyncOrchestra (default)", "orchestra"),
    ('AsyncOrchestra(http_backend="aiohttp")', "orchestra-aiohttp"),
)
SYNC_CLIENTS = (("plain httpx.Client", "httpx"), ("Orchestra (sync)", "orchestra"))


def row(server: str, load: str, name: str, r: dict[str, Any], base: dict[str, Any]) -> str:
    errors = sum(r["errors"].values())
    detail = ", ".join(f"{k} {v}" for k, v in sorted(r["errors"].items()))
    ratio = r["rps"] / base["rps"] if base["rps"] else float("inf")
    return (
        f"| {server} | {load} | {name} | {r['rps']:,.0f} | {ratio:.1f}x | "
        f"{r['p50'] * 1000:,.0f} ms | {r['p99'] * 1000:,.0f} ms | "
        f"{errors}{f' ({detail})' if detail else ''} | "
        f"{r['peak_rss_mb']:.0f} MB | {r['rss_growth_mb']:+.1f} MB |"
    )


def table() -> None:
    print(
        f"\nload: each task charges in a loop for {SECONDS:g} s "
        "(ratios: req/s over plain httpx in this same run)\n"
    )
    print(
        "| server | load | client | req/s | vs plain | p50 | p99 | errors | peak RSS | RSS drift |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for server, serve in (("fixed answer", fixed_process), ("sandbox", sandbox_process)):
        with serve() as url:
            for tasks in CONCURRENCY:
                results = [
                    (name, one_run("async", kind, tasks, url)) for name, kind in ASYNC_CLIENTS
                ]
                for name, r in results:
                    print(row(server, f"{tasks} tasks", name, r, results[0][1]), flush=True)
            results = [(name, one_run("sync", kind, THREADS, url)) for name, kind in SYNC_CLIENTS]
            for name, r in results:
                print(row(server, f"{THREADS} threads", name, r, results[0][1]), flush=True)


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--serve-fixed":
        serve_fixed(int(sys.argv[2]))
        return 0
    if len(sys.argv) == 6 and sys.argv[1] == "--run":
        mode, kind, n, url = sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
        if mode == "async":
            result = asyncio.run(run_async(kind, n, url))
        else:
            result = run_threads(kind, n, url)
        print(json.dumps(result))
        return 0
    table()
    return 0


if __name__ == "__main__":
    sys.exit(main())
