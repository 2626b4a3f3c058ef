"""The money model (tests/money_model.py): a stateful property test of the client's promise, on
the sandbox with a fake clock shared by the client and the sandbox (nothing sleeps for real).

``make test`` runs a small, fixed set of examples (15 x 25 steps, a fixed seed, no example
database). Environment variables:

- ORCHESTRA_MODEL_STEPS=5000: a long run (``make chaos``): that many steps in examples of 50,
  every distinct failure reported;
- ORCHESTRA_MODEL_SEED=<int>: other examples (default 20261202);
- ORCHESTRA_MODEL_CLIENTS=sync (or httpx, aiohttp, comma-separated): only those clients;
- ORCHESTRA_MODEL_SKIP_FAULTS=proxy_503,...: leave fault kinds out (to find the next bug);
- ORCHESTRA_MODEL_FOREIGN_FOLLOW_UPS=1: follow-ups on one transaction through several clients,
  which the README excludes (it shows what its assumption is for).

The terminal summary can print ``money_model.STATS.lines()`` (verdicts, the reasons of
"undetermined", outcomes, faults).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, Phase, seed, settings
from hypothesis.stateful import run_state_machine_as_test
from money_model import FAULTS, STATS, MoneyModel, Sandbox, steps_from_env
from overlay_helpers import Clock

from orchestra_sandbox import SandboxServer, create_app

EXAMPLES, STEPS = steps_from_env(default_examples=15, default_steps=40)
LONG = bool(os.environ.get("ORCHESTRA_MODEL_STEPS"))
SEED = int(os.environ.get("ORCHESTRA_MODEL_SEED", "20261202"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    deadline=None,
    # make test: shrink one failure only (several take minutes); a long run reports them all.
    report_multiple_bugs=LONG,
    database=None,  # the same examples every run: no replay of earlier failures
    phases=(Phase.explicit, Phase.generate, Phase.shrink),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.fixture(scope="module")
def model_sandbox() -> Iterator[Sandbox]:
    clock = Clock()
    with SandboxServer(create_app(clock=clock)) as server:
        MoneyModel.sandbox = Sandbox(server, clock)
        try:
            yield MoneyModel.sandbox
        finally:
            MoneyModel.sandbox = None
            server.app.settle()
            server.app.reset()


def test_a_caller_who_follows_the_advice_never_moves_money_twice(model_sandbox: Sandbox) -> None:
    """Charge, authorize, capture, refund, void under every fault the sandbox has, sync and
    async (httpx, aiohttp), acting on each outcome as the README advises: the ledger never
    holds two movements of one operation nor contradicts what the client said, every exception
    is an OrchestraError, every connection-queue place comes back."""
    assert FAULTS, "the sandbox offers no fault kind this model knows"
    examples_before = STATS.examples
    run_state_machine_as_test(seed(SEED)(MoneyModel), settings=SETTINGS)
    assert STATS.examples > examples_before
