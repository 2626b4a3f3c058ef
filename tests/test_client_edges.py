"""First-contact edges: connection errors that name the host and the reason, calls on a closed
client, a library that stays quiet without logging configured, token ids kept out of logs."""

from __future__ import annotations

import logging
import socket
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest
from overlay_helpers import make_async_client, make_client, status

from conftest import ROOT, TEST_KEY
from orchestra_payments import (
    APIConnectionError,
    APITimeoutError,
    ClientClosedError,
    Orchestra,
    OrchestraError,
    RetryPolicy,
)
from orchestra_payments.testing import use_clock
from orchestra_sandbox import SandboxServer


def dns_failure() -> httpx.ConnectError:
    """What httpx raises when a name does not resolve: the OS reason sits in the chain."""
    exc = httpx.ConnectError("[Errno -2] Name or service not known")
    exc.__cause__ = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    return exc


@pytest.mark.parametrize(
    ("error", "kind", "message"),
    [
        (
            dns_failure(),
            APIConnectionError,
            "ValidateApiKey: could not connect to api.orchestrasolutions.com: "
            "Name or service not known",
        ),
        (
            httpx.ConnectTimeout("timed out"),
            APITimeoutError,
            "ValidateApiKey: could not connect to api.orchestrasolutions.com: timed out",
        ),
        (
            httpx.ReadTimeout("The read operation timed out"),
            APITimeoutError,
            "ValidateApiKey: no answer from api.orchestrasolutions.com in time: "
            "The read operation timed out",
        ),
        (
            httpx.RemoteProtocolError("Server disconnected without sending a response."),
            APIConnectionError,
            "ValidateApiKey: the connection to api.orchestrasolutions.com failed: "
            "Server disconnected without sending a response.",
        ),
    ],
)
def test_a_failed_connection_names_the_host_and_the_reason(
    error: httpx.TransportError, kind: type[OrchestraError], message: str
) -> None:
    client, _, _ = make_client([error], retry=RetryPolicy(attempts=1))
    with client, pytest.raises(kind) as caught:
        client.utils.validate_api_key()
    assert type(caught.value) is kind
    assert str(caught.value) == message


@pytest.fixture
def refused_port() -> Iterator[int]:
    with socket.socket() as sock:  # bound, never listening: connections are refused
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def test_a_real_refused_connection_reads_the_same_way(refused_port: int) -> None:
    slept: list[float] = []
    with (
        use_clock(
            Orchestra(api_key=TEST_KEY, base_url=f"http://127.0.0.1:{refused_port}"),
            sleep=slept.append,
        ) as client,
        pytest.raises(APIConnectionError) as caught,
    ):
        client.payment_gateway.list_gateways()
    assert str(caught.value) == (
        f"GatewayList: could not connect to 127.0.0.1:{refused_port}: Connection refused "
        "(nothing listens there: is the server, or the sandbox, running?)"
    )
    # It never left: retried, then raised; a server on this machine that is down (a stopped
    # sandbox) costs a fraction of a second, not the backoff's seconds of silence.
    assert len(slept) == RetryPolicy().attempts - 1
    assert round(sum(slept), 6) <= 0.3


def test_a_call_on_a_closed_client_raises_client_closed() -> None:
    client, script, _ = make_client([status(200, [])])
    with client:
        assert client.payment_gateway.list_gateways() == []
    with pytest.raises(ClientClosedError) as caught:
        client.payment_gateway.list_gateways()
    assert isinstance(caught.value, OrchestraError)
    assert str(caught.value) == (
        "GatewayList: this Orchestra was closed (close() or the end of its `with` block); "
        "nothing was sent. Create a new Orchestra for further calls."
    )
    with pytest.raises(ClientClosedError):
        client.with_raw_response.payment_gateway.list_gateways()
    assert len(script.requests) == 1


async def test_a_call_on_a_closed_async_client_raises_client_closed() -> None:
    client, script, _ = make_async_client([status(200, [])])
    async with client:
        assert await client.payment_gateway.list_gateways() == []
    with pytest.raises(ClientClosedError, match="this AsyncOrchestra was closed"):
        await client.payment_gateway.list_gateways()
    assert len(script.requests) == 1


QUIET_RETRY = f"""
import sys
sys.path.insert(0, {str(ROOT / "tests")!r})
from overlay_helpers import make_client, status
client, script, _ = make_client([status(503), status(200, [])])
with client:
    print(client.payment_gateway.list_gateways(), len(script.requests))
"""


def test_without_logging_configured_a_retry_prints_nothing() -> None:
    result = subprocess.run(
        [sys.executable, "-c", QUIET_RETRY], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[] 2"  # it did retry after the 503
    assert result.stderr == ""


def test_with_logging_configured_the_retry_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    client, _, _ = make_client([status(503), status(200, [])])
    with client, caplog.at_level(logging.WARNING, logger="orchestra_payments"):
        client.payment_gateway.list_gateways()
    assert [r.getMessage() for r in caplog.records] == [
        "retrying GatewayList after 503 in 1.00 s, attempt 2/4"
    ]


def test_httpx_request_logs_do_not_show_string_token_ids(
    orchestra_sandbox: SandboxServer, caplog: pytest.LogCaptureFixture
) -> None:
    with Orchestra(api_key=orchestra_sandbox.api_key, base_url=orchestra_sandbox.base_url) as c:
        token = str(c.string_tokens.create({"payload": "a secret"}).token)
        with caplog.at_level(logging.INFO, logger="httpx"):
            c.string_tokens.retrieve_meta(token)
            c.string_tokens.delete(token)
    lines = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    base = orchestra_sandbox.base_url
    assert lines == [
        f'HTTP Request: GET {base}/StringTokens/<redacted>/meta "HTTP/1.1 200 OK"',
        f'HTTP Request: DELETE {base}/StringTokens/<redacted> "HTTP/1.1 200 OK"',
    ]
    assert token not in caplog.text


def test_the_librarys_own_log_lines_do_not_show_token_ids(
    caplog: pytest.LogCaptureFixture,
) -> None:
    Orchestra(api_key=TEST_KEY).close()  # a client installs the redaction
    with caplog.at_level(logging.WARNING, logger="orchestra_payments"):
        logging.getLogger("orchestra_payments").warning(
            "retrying %s after %s", "GET /v1/StringTokens/tok_9f8e7d?x=1", "503"
        )
    assert caplog.records[0].getMessage() == (
        "retrying GET /v1/StringTokens/<redacted>?x=1 after 503"
    )


def test_an_async_client_installs_the_redaction_too() -> None:
    """In a fresh process, building an AsyncOrchestra alone puts the redacting filter on
    httpx's logger: a string token's id in a logged URL is redacted."""
    import subprocess
    import sys

    code = (
        "import logging, io\n"
        "from orchestra_payments import AsyncOrchestra\n"
        "out = io.StringIO()\n"
        "logging.basicConfig(stream=out, level=logging.INFO, format='%(message)s')\n"
        "AsyncOrchestra(api_key='k')\n"
        "logging.getLogger('httpx').info('HTTP Request: %s %s', 'GET', "
        "'https://h/StringTokens/abc')\n"
        "print(out.getvalue().strip())\n"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "HTTP Request: GET https://h/StringTokens/<redacted>"
