"""The cassettes: nothing secret recorded, one per test, none silently re-recorded."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cassette_support import (
    SCRUBBED,
    before_record_request,
    before_record_response,
    scan_cassettes,
    scan_text,
)
from vcr.request import Request  # type: ignore[import-untyped]

from conftest import CVV, PAN, ROOT, TEST_KEY

CASSETTES = ROOT / "tests" / "cassettes" / "test_cassettes"


def test_no_cassette_holds_a_card_number_a_cvv_or_a_key() -> None:
    assert len(list(CASSETTES.glob("*.yaml"))) >= 60
    assert scan_cassettes(CASSETTES, keys=("sandbox-orchestra-key", TEST_KEY)) == {}


@pytest.mark.parametrize(
    ("planted", "problem"),
    [
        (f"cardNumber: '{PAN}'", "card-like number ending 4242"),
        ("note: 'customer 5555555555554444 called'", "card-like number ending 4444"),
        (f"cvv: '{CVV}'", "cvv with digits"),
        ('{"securityCode": "1234"}', "securityCode with digits"),
        ("x-api-key:\n  - sk_live_abcdef", "an X-Api-Key value"),
    ],
)
def test_the_scan_catches_a_planted_secret(tmp_path: Path, planted: str, problem: str) -> None:
    clean = (CASSETTES / "test_validate_api_key.yaml").read_text()
    (tmp_path / "planted.yaml").write_text(clean + "\n" + planted + "\n")
    (tmp_path / "clean.yaml").write_text(clean)
    found = scan_cassettes(tmp_path)
    assert list(found) == ["planted.yaml"]
    assert problem in found["planted.yaml"]


def test_the_scan_ignores_numbers_that_are_not_cards() -> None:
    assert scan_text("amount: 1234567890123 ref: SBX00000001 cvv: <scrubbed>") == []


def test_requests_are_scrubbed_at_record_time() -> None:
    body = {
        "card": {"cardNumber": PAN, "cvv": CVV, "cardHolderName": "J"},
        "payload": PAN,
        "paymentGatewayAccount": {"credentials": [{"key": "apiSecret", "value": "s3cr3t"}]},
    }
    request = Request(
        "POST",
        "http://127.0.0.1:5555/PaymentGateway/charge",
        json.dumps(body).encode(),
        {"X-Api-Key": TEST_KEY, "Host": "x"},
    )
    scrubbed = before_record_request(request)
    text = json.dumps(json.loads(scrubbed.body)) + repr(scrubbed.headers) + scrubbed.uri
    assert scan_text(text, keys=(TEST_KEY,)) == []
    assert "s3cr3t" not in text
    data = json.loads(scrubbed.body)
    assert data["card"]["cardNumber"] == "************4242"
    assert data["card"]["cvv"] == data["payload"] == SCRUBBED
    assert scrubbed.uri == "https://api.orchestra.test/PaymentGateway/charge"


def test_responses_are_scrubbed_at_record_time() -> None:
    response = {
        "status": {"code": 200, "message": "OK"},
        "headers": {"Date": ["today"], "Location": ["http://127.0.0.1:5/StringTokens/x"]},
        "body": {"string": json.dumps({"clearPayload": PAN, "token": "t"}).encode()},
    }
    scrubbed = before_record_response(response)
    assert json.loads(scrubbed["body"]["string"]) == {"clearPayload": SCRUBBED, "token": "t"}
    assert scrubbed["headers"] == {"Location": ["https://api.orchestra.test/StringTokens/x"]}


def _cassette_tests() -> set[str]:
    """Test ids of tests/test_cassettes.py, as pytest-recording names their cassettes."""
    tree = ast.parse((ROOT / "tests" / "test_cassettes.py").read_text())
    consts: dict[str, list[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                continue
            if isinstance(value, list | dict):
                consts[node.targets[0].id] = list(value)
    names: set[str] = set()
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if not node.name.startswith("test_"):
            continue
        params: list[str] = []
        for deco in node.decorator_list:
            if isinstance(deco, ast.Call) and getattr(deco.func, "attr", "") == "parametrize":
                values = deco.args[1]
                params = (
                    consts[values.id]
                    if isinstance(values, ast.Name)
                    else list(ast.literal_eval(values))
                )
        names |= {f"{node.name}[{p}]" for p in params} if params else {node.name}
    return names


def test_every_cassette_test_has_exactly_its_cassette() -> None:
    recorded = {p.stem for p in CASSETTES.glob("*.yaml")}
    assert recorded == _cassette_tests()


def copy_of_tests(tmp_path: Path) -> Path:
    copy = tmp_path / "tests"
    shutil.copytree(ROOT / "tests", copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def replay(tmp_path: Path, *tests: str) -> subprocess.CompletedProcess[str]:
    """Run tests of the copy in replay mode, with the project's pytest settings."""
    args = [f"{tmp_path / 'tests'}/test_cassettes.py::{name}" for name in tests]
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
            "-c",
            str(ROOT / "pyproject.toml"),
            *args,
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )


def test_a_deleted_cassette_fails_its_test_and_leaks_nothing(tmp_path: Path) -> None:
    cassette = (
        copy_of_tests(tmp_path) / "cassettes" / "test_cassettes" / ("test_pay_success[charge].yaml")
    )
    cassette.unlink()
    result = replay(tmp_path, "test_pay_success", "test_pay_401")
    assert result.returncode == 1
    assert "1 failed, 3 passed" in result.stdout
    assert "CannotOverwriteExistingCassetteException" in result.stdout
    assert not cassette.exists()
    assert PAN not in result.stdout + result.stderr


def test_a_request_that_matches_no_recording_shows_no_card_number(tmp_path: Path) -> None:
    module = copy_of_tests(tmp_path) / "test_cassettes.py"
    other_card = "4111111111111111"
    module.write_text(
        module.read_text().replace('"cardNumber": PAN', f'"cardNumber": "{other_card}"')
    )
    result = replay(tmp_path, "test_pay_success")
    assert result.returncode == 1
    assert "no recorded interaction matches it" in result.stdout
    output = result.stdout + result.stderr
    assert other_card not in output
    assert PAN not in output
    assert f'"cvv":"{CVV}"' not in output
