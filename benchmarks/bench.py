"""Benchmarks (`make bench`): the emulator's latency and throughput, the client's overhead over
raw httpx, and the import cost. Prints a table; measures, asserts nothing.

The sandbox runs in its own process so that the client's CPU time is the client's alone.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from orchestra_payments import AsyncOrchestra, Orchestra
from orchestra_payments.params import CardParams, ChargeParams

KEY = "sandbox-orchestra-key"
CARD: CardParams = {
    "cardHolderName": "Bench",
    "cardNumber": "4242424242424242",
    "expirationMonth": 12,
    "expirationYear": 2030,
}
BODY: ChargeParams = {
    "amount": 1.0,
    "currency": "USD",
    "myRef": "bench-000001",
    "paymentGatewayAccountName": "bench",
    "card": CARD,
}
N_LATENCY = int(os.environ.get("BENCH_N", "2000"))
N_OVERHEAD = int(os.environ.get("BENCH_OVERHEAD_N", "1000"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def sandbox_process() -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "orchestra_sandbox", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                httpx.get(f"{url}/Utils/apiKey", headers={"X-Api-Key": KEY}, timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        httpx.put(
            f"{url}/PaymentGatewayAccounts/bench",
            headers={"X-Api-Key": KEY},
            json={"paymentGatewayName": "NULLSuccess"},
        )
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def emulator_latency(url: str) -> dict[str, float]:
    with httpx.Client(base_url=url, headers={"X-Api-Key": KEY}) as client:
        for _ in range(100):
            client.post("/PaymentGateway/charge", json=BODY)
        samples = []
        started = time.perf_counter()
        for _ in range(N_LATENCY):
            t0 = time.perf_counter()
            client.post("/PaymentGateway/charge", json=BODY)
            samples.append(time.perf_counter() - t0)
        elapsed = time.perf_counter() - started
    samples.sort()
    return {
        "p50_ms": samples[len(samples) // 2] * 1000,
        "p99_ms": samples[int(len(samples) * 0.99)] * 1000,
        "rps": N_LATENCY / elapsed,
    }


ROUNDS = int(os.environ.get("BENCH_ROUNDS", "7"))


def cpu_per_call(fn: Callable[[], Any], n: int) -> float:
    t0 = time.process_time()
    for _ in range(n):
        fn()
    return (time.process_time() - t0) / n


def interleaved(raw: Callable[[], Any], facade: Callable[[], Any]) -> tuple[float, float, float]:
    """Median CPU per call of each, and the median of per-round ratios (rounds alternate, so
    drift on a shared machine hits both sides alike)."""
    for _ in range(100):
        raw()
        facade()
    raws, facades, ratios = [], [], []
    for _ in range(ROUNDS):
        r = cpu_per_call(raw, N_OVERHEAD // 4)
        f = cpu_per_call(facade, N_OVERHEAD // 4)
        raws.append(r)
        facades.append(f)
        ratios.append(f / r)
    return statistics.median(raws), statistics.median(facades), statistics.median(ratios)


def sync_overhead(url: str) -> tuple[float, float, float]:
    raw = httpx.Client(base_url=url, headers={"X-Api-Key": KEY})
    facade = Orchestra(api_key=KEY, base_url=url)

    def raw_call() -> Any:
        response = raw.post("/PaymentGateway/charge", json=BODY)
        return json.loads(response.content)

    def facade_call() -> Any:
        return facade.payment_gateway.charge(BODY)

    try:
        return interleaved(raw_call, facade_call)
    finally:
        raw.close()
        facade.close()


async def async_overhead(url: str) -> tuple[float, float, float]:
    # Connections idle through a round of the other client: close them before the sandbox's 5 s
    # keep-alive timeout does (a request on a closing connection gets no answer).
    limits = httpx.Limits(max_connections=100, keepalive_expiry=4.0)
    # 1000 requests queue for 100 connections: give the pool time on both sides alike.
    timeout = httpx.Timeout(120.0)
    raw = httpx.AsyncClient(
        base_url=url, headers={"X-Api-Key": KEY}, limits=limits, timeout=timeout
    )
    facade = AsyncOrchestra(api_key=KEY, base_url=url, limits=limits, timeout=timeout)

    async def raw_call() -> Any:
        response = await raw.post("/PaymentGateway/charge", json=BODY)
        return json.loads(response.content)

    async def facade_call() -> Any:
        return await facade.payment_gateway.charge(BODY)

    async def measure(fn: Callable[[], Any]) -> float:
        t0 = time.process_time()
        await asyncio.gather(*(fn() for _ in range(N_OVERHEAD)))
        return (time.process_time() - t0) / N_OVERHEAD

    await measure(raw_call)
    await measure(facade_call)
    raws, facades, ratios = [], [], []
    for _ in range(max(3, ROUNDS // 2)):
        r = await measure(raw_call)
        f = await measure(facade_call)
        raws.append(r)
        facades.append(f)
        ratios.append(f / r)
    await raw.aclose()
    await facade.aclose()
    return statistics.median(raws), statistics.median(facades), statistics.median(ratios)


def run_calls(url: str, kind: str, n: int) -> None:
    """The body of one instruction-count run (``bench.py --calls KIND N URL``): the garbage
    collector off, so that a collection falling in one run and not the other (the imports
    differ) does not count as the call's cost."""
    import gc

    gc.disable()
    if kind == "raw":
        raw = httpx.Client(base_url=url, headers={"X-Api-Key": KEY})
        for _ in range(n):
            json.loads(raw.post("/PaymentGateway/charge", json=BODY).content)
    else:
        from orchestra_api.models import ChargeRequest

        # "untraced": OpenTelemetry off for the client, to weigh the instrumentation.
        facade = Orchestra(api_key=KEY, base_url=url, tracing=kind != "untraced")
        body: ChargeRequest | ChargeParams = (
            ChargeRequest.from_dict(BODY) if kind == "model" else BODY
        )
        for _ in range(n):
            facade.payment_gateway.charge(body)


def callgrind(args: list[str], env: dict[str, str] | None = None) -> int | None:
    """Instructions a Python run executes, counted by callgrind (None without valgrind)."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return None
    err = subprocess.run(
        [valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    match = re.search(r"Collected : (\d+)", err)
    return None if match is None else int(match.group(1))


def instructions_per_call(url: str, kind: str) -> float | None:
    """Client instructions per call, counted by callgrind (deterministic, unlike CPU time):
    the difference between a run of 60 calls and one of 10, so start-up cancels out."""
    few = callgrind([__file__, "--calls", kind, "10", url])
    many = callgrind([__file__, "--calls", kind, "60", url])
    return None if few is None or many is None else (many - few) / 50


def import_cost() -> float:
    # As users import it: from cached bytecode (this workplace sets PYTHONDONTWRITEBYTECODE,
    # which would make every run compile the sources again).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(
        [sys.executable, "-c", "import orchestra_payments._generated_facade"], env=env, check=True
    )

    def median(code: str) -> float:
        runs = []
        for _ in range(15):
            out = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    f"import time; t=time.perf_counter(); {code}; print(time.perf_counter()-t)",
                ],
                capture_output=True,
                text=True,
                check=True,
                env=env,
            ).stdout
            runs.append(float(out))
        return statistics.median(runs)

    return (median("import httpx; import orchestra_payments") - median("import httpx")) * 1000


def import_instructions() -> tuple[float, float] | None:
    """Instructions to import httpx, and to import the client after it (callgrind: the time
    of an import on this shared machine swings by a third from run to run)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    counts = []
    for code in ("pass", "import httpx", "import httpx; import orchestra_payments"):
        subprocess.run([sys.executable, "-c", code], env=env, check=True)  # bytecode cached
        count = callgrind(["-c", code], env)
        if count is None:
            return None
        counts.append(count)
    return counts[1] - counts[0], counts[2] - counts[1]


def build_cost() -> tuple[float, float]:
    """Seconds to build ``AsyncOrchestra()`` and ``httpx.AsyncClient()`` (median of 20 each,
    interleaved): a test suite that builds a client per test pays it every time."""

    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(20):
        start = time.perf_counter()
        AsyncOrchestra(api_key=KEY, base_url="http://127.0.0.1:9")
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        httpx.AsyncClient(base_url="http://127.0.0.1:9")
        theirs.append(time.perf_counter() - start)
    return statistics.median(ours), statistics.median(theirs)


def main() -> int:
    if len(sys.argv) == 5 and sys.argv[1] == "--calls":
        run_calls(sys.argv[4], sys.argv[2], int(sys.argv[3]))
        return 0
    with sandbox_process() as url:
        latency = emulator_latency(url)
        s_raw, s_facade, s_ratio = sync_overhead(url)
        a_raw, a_facade, a_ratio = asyncio.run(async_overhead(url))
        i_raw = instructions_per_call(url, "raw")
        i_facade = instructions_per_call(url, "mapping")
        i_model = instructions_per_call(url, "model")
        i_untraced = instructions_per_call(url, "untraced")
    imports = import_cost()
    import_counts = import_instructions()
    built, httpx_built = build_cost()
    rows = [
        ("emulator p50 latency (charge, loopback)", f"{latency['p50_ms']:.2f} ms", "< 2 ms"),
        ("emulator p99 latency", f"{latency['p99_ms']:.2f} ms", ""),
        ("emulator throughput (1 client)", f"{latency['rps']:.0f} req/s", ">= 1000 req/s"),
        ("sync: raw httpx CPU per call", f"{s_raw * 1e6:.0f} us", ""),
        ("sync: facade CPU per call", f"{s_facade * 1e6:.0f} us", ""),
        ("sync: facade / raw (median of rounds)", f"{s_ratio:.2f}x", "<= 1.10x"),
        *(
            [
                ("sync: raw httpx instructions per call", f"{i_raw / 1000:.0f} k", ""),
                ("sync: facade, mapping body: instructions", f"{i_facade / 1000:.0f} k", ""),
                ("sync: facade / raw, mapping body", f"{i_facade / i_raw:.3f}x", "<= 1.05x"),
                ("sync: facade, model body: instructions", f"{i_model / 1000:.0f} k", ""),
                ("sync: facade / raw, model body", f"{i_model / i_raw:.3f}x", "<= 1.05x"),
                (
                    "OpenTelemetry API, no SDK: traced / untraced",
                    f"{i_facade / i_untraced:.3f}x",
                    "<= 1.02x",
                ),
            ]
            if i_raw and i_facade and i_model and i_untraced
            else [("instruction counts", "skipped", "(needs valgrind)")]
        ),
        ("async x1000: raw httpx CPU per call", f"{a_raw * 1e6:.0f} us", ""),
        ("async x1000: facade CPU per call", f"{a_facade * 1e6:.0f} us", ""),
        ("async x1000: facade / raw (median)", f"{a_ratio:.2f}x", "<= 1.10x"),
        ("import orchestra_payments - import httpx", f"{imports:.1f} ms", "<= 30 ms"),
        *(
            [
                ("import httpx: instructions", f"{import_counts[0] / 1e6:.0f} M", ""),
                (
                    "import orchestra_payments after it: instructions",
                    f"{import_counts[1] / 1e6:.0f} M ({import_counts[1] / import_counts[0]:.2f}x)",
                    "",
                ),
            ]
            if import_counts
            else []
        ),
        ("AsyncOrchestra() build", f"{built * 1000:.2f} ms", ""),
        ("httpx.AsyncClient() build", f"{httpx_built * 1000:.2f} ms", ""),
        ("AsyncOrchestra() / httpx.AsyncClient()", f"{built / httpx_built:.2f}x", "<= 2x"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>12}  goal")
    print(f"{'-' * width}  {'-' * 12}  ----")
    for name, value, goal in rows:
        print(f"{name:<{width}}  {value:>12}  {goal}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
