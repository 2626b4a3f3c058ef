"""The sandbox's behaviour as plain functions over its state: validation, ledger, vault.

Every operation returns a ``Result``: what it came to (an ``Outcome``, never an HTTP status) and
a JSON-able body (or None). A field the API refuses raises ``Invalid``. The HTTP layer
(``_app.py``) turns each into a status, in one place.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import re
import threading
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from ._data import (
    CURRENCIES,
    DECLINED_BY_NULL_FAILURE,
    DECLINED_CARDS,
    GATEWAYS,
    Gateway,
)
from ._validate import Invalid, check_amount, check_credentials, field_path, is_card_number


class Outcome(Enum):
    """What an operation came to."""

    OK = "ok"  # done, or found
    CREATED = "created"  # a new resource, at ``Result.location``
    APPROVED = "approved"  # a money operation the gateway approved (its result is the body)
    REJECTED = "rejected"  # the gateway refused: a decline, a follow-up it does not allow, a
    # lookup it cannot answer (the body is its result)
    NOT_FOUND = "not_found"  # the resource the request names does not exist


@dataclass(frozen=True, slots=True)
class Result:
    outcome: Outcome
    body: Any = None
    location: str | None = None  # CREATED: the new resource's path


ACCOUNT_NAME = re.compile(r"^[A-Za-z0-9]{3,64}$")
TOKEN = re.compile(r"^[A-Za-z0-9]{32}$")
CREATED = "2026-01-01T00:00:00Z"


def luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


@dataclass
class Transaction:
    ref_trans_id: str
    kind: str  # "Charge" | "PreAuth"
    amount: float
    currency: str
    gateway: str
    my_ref: str | None
    last_result: dict[str, Any]
    captured: float = 0.0
    refunded: float = 0.0
    voided: bool = False
    declined: bool = False


@dataclass
class LedgerEntry:
    operation: str
    ref_trans_id: str | None
    my_ref: str | None
    amount: float
    currency: str
    result: str
    gateway: str

    def to_json(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "refTransId": self.ref_trans_id,
            "myRef": self.my_ref,
            "amount": self.amount,
            "currency": self.currency,
            "result": self.result,
            "gateway": self.gateway,
        }


@dataclass
class State:
    tokens: dict[str, tuple[str, str]] = field(default_factory=dict)  # token -> payload, time
    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)
    transactions: dict[str, Transaction] = field(default_factory=dict)
    ledger: list[LedgerEntry] = field(default_factory=list)
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    counter: int = 0


def _obj(body: Any, name: str = "body") -> dict[str, Any]:
    if not isinstance(body, dict):
        raise Invalid(name, "A JSON object is required.")
    return body


def _str(body: dict[str, Any], key: str, path: str, *, required: bool) -> str | None:
    value = body.get(key)
    if value is None:
        if required:
            raise Invalid(path, f"The {key} field is required.")
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise Invalid(path, f"The {key} field must be a non-empty string.")
    return value


def _int(body: dict[str, Any], key: str, path: str) -> int:
    value = body.get(key)
    if value is None:
        raise Invalid(path, f"The {key} field is required.")
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(path, f"The {key} field must be an integer.")
    return value


def _amount(body: dict[str, Any], currency_key: str = "currency") -> float:
    return check_amount(body, currency_key)


def _currency(body: dict[str, Any], key: str = "currency") -> str:
    value = _str(body, key, key, required=True)
    assert value is not None
    if value not in CURRENCIES:
        raise Invalid(key, f"Unknown currency {value!r}.")
    return value


class Engine:
    """All sandbox behaviour; thread-safe (the server and a test may both call it)."""

    def __init__(self, *, secret: bytes = b"orchestra-sandbox", today: dt.date | None = None):
        self._lock = threading.RLock()
        self._secret = secret
        self._today = today
        self.state = State()
        self.generation = 0

    # --- helpers ------------------------------------------------------------------------

    def reset(self) -> None:
        with self._lock:
            self.state = State()
            self.generation += 1

    def _next(self, prefix: str) -> str:
        self.state.counter += 1
        return f"{prefix}{self.state.counter:08d}"

    def _token(self, kind: str) -> str:
        self.state.counter += 1
        return hashlib.sha256(f"{kind}-{self.state.counter}".encode()).hexdigest()[:32]

    def today(self) -> dt.date:
        return self._today or dt.datetime.now(dt.UTC).date()

    def ledger(self) -> list[dict[str, Any]]:
        with self._lock:
            return [entry.to_json() for entry in self.state.ledger]

    # --- cards and gateways ---------------------------------------------------------------

    def _card_number(self, card: dict[str, Any]) -> str:
        number = _str(card, "cardNumber", "card.cardNumber", required=True)
        assert number is not None
        if number.startswith("@"):
            stored = self.state.tokens.get(number[1:])
            if stored is None:
                raise Invalid("card.cardNumber", "The referenced token does not exist.")
            number = stored[0]
        digits = number.replace(" ", "")
        if not is_card_number(digits):
            raise Invalid("card.cardNumber", "The card number is not valid.")
        if not luhn_ok(digits):
            raise Invalid("card.cardNumber", "The card number fails the Luhn check.")
        return digits

    def _card(self, body: dict[str, Any]) -> str:
        card = _obj(body.get("card"), "card") if body.get("card") is not None else None
        if card is None:
            raise Invalid("card", "The card field is required.")
        _str(card, "cardHolderName", "card.cardHolderName", required=True)
        number = self._card_number(card)
        month = _int(card, "expirationMonth", "card.expirationMonth")
        year = _int(card, "expirationYear", "card.expirationYear")
        if not 1 <= month <= 12:
            raise Invalid("card.expirationMonth", "The expiration month must be 1 to 12.")
        today = self.today()
        if (year, month) < (today.year, today.month):
            raise Invalid("card.expirationYear", "The card has expired.")
        cvv = card.get("cvv")
        if cvv is not None and not (
            isinstance(cvv, str) and (cvv.startswith("@") or re.fullmatch(r"\d{3,4}", cvv))
        ):
            raise Invalid("card.cvv", "The security code must be 3 or 4 digits.")
        return number

    def _gateway(self, body: dict[str, Any]) -> tuple[Gateway, str | None]:
        name = body.get("paymentGatewayAccountName")
        inline = body.get("paymentGatewayAccount")
        if isinstance(name, str) and name:
            account = self.state.accounts.get(name)
            if account is None:
                raise Invalid("paymentGatewayAccountName", f"No gateway account named {name!r}.")
            return GATEWAYS[account["paymentGatewayName"]], name
        if isinstance(inline, dict):
            gateway = self._gateway_named(inline.get("paymentGatewayName"), "paymentGatewayAccount")
            self._check_credentials(gateway, inline.get("credentials"), "paymentGatewayAccount")
            return gateway, None
        raise Invalid(
            "paymentGatewayAccountName",
            "Either paymentGatewayAccountName or paymentGatewayAccount is required.",
        )

    @staticmethod
    def _gateway_named(name: Any, path: str) -> Gateway:
        if not isinstance(name, str) or name not in GATEWAYS:
            raise Invalid(
                field_path(path, "paymentGatewayName"), f"Unknown payment gateway {name!r}."
            )
        return GATEWAYS[name]

    @staticmethod
    def _check_credentials(gateway: Gateway, credentials: Any, path: str) -> None:
        given = set()
        field = field_path(path, "credentials")
        for item in check_credentials(credentials, field):
            if isinstance(item, dict) and isinstance(item.get("key"), str):
                given.add(item["key"])
        missing = [n for n in gateway.credentials_names if n not in given]
        if missing:
            raise Invalid(field, f"Missing credentials: {', '.join(missing)}.")

    @staticmethod
    def _decide(gateway: Gateway, number: str | None) -> tuple[bool, str, str]:
        if gateway.mode == "approve":
            return True, "00", "Approved"
        if gateway.mode == "decline":
            return False, *DECLINED_BY_NULL_FAILURE
        if number in DECLINED_CARDS:
            return False, *DECLINED_CARDS[number]
        # The documented approving cards (APPROVED_CARDS) and any other valid number approve.
        return True, "00", "Approved"

    def _result(
        self,
        operation: str,
        ok: bool,
        code: str,
        description: str,
        *,
        amount: float,
        currency: str,
        gateway: str,
        reference: str | None,
    ) -> dict[str, Any]:
        return {
            "authorizationCode": f"A{reference[-6:]}" if ok and reference else None,
            "currency": currency,
            "amount": amount,
            "operationType": operation,
            "operationResultCode": "Success" if ok else "Rejected",
            "operationResultDescription": "Approved" if ok else "Declined by the gateway",
            "customGatewayResponse": None,
            "gatewayName": gateway,
            "gatewayReference": reference,
            "gatewayResultCode": code,
            "gatewayResultDescription": description,
            "gatewayResultSubCode": None,
            "gatewayResultSubDescription": None,
            "gatewayToken": None,
        }

    def _record(
        self,
        operation: str,
        tx_id: str | None,
        my_ref: str | None,
        amount: float,
        currency: str,
        result: dict[str, Any],
        gateway: str,
    ) -> None:
        self.state.ledger.append(
            LedgerEntry(
                operation, tx_id, my_ref, amount, currency, result["operationResultCode"], gateway
            )
        )

    @staticmethod
    def _my_ref(body: dict[str, Any], number: str | None) -> str | None:
        my_ref = _str(body, "myRef", "myRef", required=False)
        if number and number[:2] in ("34", "37") and (my_ref is None or len(my_ref) < 6):
            raise Invalid("myRef", "AMEX requires myRef of at least 6 characters.")
        return my_ref

    # --- payment operations ------------------------------------------------------------------

    def pay(self, kind: str, body: Any) -> Result:
        """Charge ("Charge") or authorize ("PreAuth")."""
        with self._lock:
            body = _obj(body)
            amount = _amount(body)
            currency = _currency(body)
            number = self._card(body)
            my_ref = self._my_ref(body, number)
            self._payer(body)
            gateway, _ = self._gateway(body)
            ok, code, desc = self._decide(gateway, number)
            # Declines get a reference too, so that `status` can report them as declined
            # rather than unknown (what a caller reconciling after a timeout needs to know).
            tx_id = self._next("SBX")
            result = self._result(
                kind,
                ok,
                code,
                desc,
                amount=amount,
                currency=currency,
                gateway=gateway.name,
                reference=tx_id,
            )
            self.state.transactions[tx_id] = Transaction(
                tx_id, kind, amount, currency, gateway.name, my_ref, result, declined=not ok
            )
            self._record(kind, tx_id, my_ref, amount, currency, result, gateway.name)
            return Result(Outcome.APPROVED if ok else Outcome.REJECTED, result)

    @staticmethod
    def _payer(body: dict[str, Any]) -> None:
        payer = body.get("payerDetails")
        if payer is None:
            return
        payer = _obj(payer, "payerDetails")
        _str(payer, "clientIPAddress", "payerDetails.clientIPAddress", required=True)
        country = _str(payer, "countryCode", "payerDetails.countryCode", required=True)
        if not re.fullmatch(r"[A-Z]{2}", country or ""):
            raise Invalid("payerDetails.countryCode", "A two-letter country code is required.")

    def _follow_up(
        self, body: Any
    ) -> tuple[dict[str, Any], Transaction | None, float, str, Gateway]:
        body = _obj(body)
        amount = _amount(body)
        currency = _currency(body)
        _str(body, "refTransId", "refTransId", required=True)
        self._card(body)
        self._my_ref(body, None)
        gateway, _ = self._gateway(body)
        return body, self.state.transactions.get(body["refTransId"]), amount, currency, gateway

    def _reject(
        self,
        kind: str,
        body: dict[str, Any],
        amount: float,
        currency: str,
        gateway: Gateway,
        code: str,
        desc: str,
    ) -> Result:
        result = self._result(
            kind,
            False,
            code,
            desc,
            amount=amount,
            currency=currency,
            gateway=gateway.name,
            reference=None,
        )
        self._record(
            kind, body.get("refTransId"), body.get("myRef"), amount, currency, result, gateway.name
        )
        return Result(Outcome.REJECTED, result)

    def follow_up(self, kind: str, body: Any) -> Result:
        """Capture, Refund or Void of an earlier transaction."""
        with self._lock:
            body, tx, amount, currency, gateway = self._follow_up(body)
            problem = self._follow_up_problem(kind, tx, amount, currency, gateway)
            if problem:
                return self._reject(kind, body, amount, currency, gateway, *problem)
            assert tx is not None
            if kind == "Capture":
                tx.captured += amount
            elif kind == "Refund":
                tx.refunded += amount
            else:
                tx.voided = True
            result = self._result(
                kind,
                True,
                "00",
                "Approved",
                amount=amount,
                currency=currency,
                gateway=gateway.name,
                reference=tx.ref_trans_id,
            )
            tx.last_result = result
            self._record(
                kind,
                tx.ref_trans_id,
                body.get("myRef") or tx.my_ref,
                amount,
                currency,
                result,
                gateway.name,
            )
            return Result(Outcome.APPROVED, result)

    def _follow_up_problem(
        self, kind: str, tx: Transaction | None, amount: float, currency: str, gateway: Gateway
    ) -> tuple[str, str] | None:
        if gateway.mode == "decline":
            return DECLINED_BY_NULL_FAILURE
        if tx is None:
            return "NOT_FOUND", "No transaction with this refTransId."
        if tx.declined:
            return "DECLINED", "The transaction was declined."
        if tx.currency != currency:
            return "CURRENCY_MISMATCH", f"The transaction is in {tx.currency}."
        if tx.voided:
            return "VOIDED", "The transaction was voided."
        if kind == "Capture":
            if tx.kind != "PreAuth":
                return "NOT_AUTHORIZED", "Only an authorization can be captured."
            if tx.captured + amount > tx.amount + 1e-9:
                return "AMOUNT_EXCEEDED", "The capture exceeds the authorized amount."
        if kind == "Refund":
            settled = tx.amount if tx.kind == "Charge" else tx.captured
            if settled <= 0:
                return "NOT_CAPTURED", "Nothing was captured to refund."
            if tx.refunded + amount > settled + 1e-9:
                return "AMOUNT_EXCEEDED", "The refund exceeds what was charged."
        if kind == "Void" and tx.refunded > 0:
            return "REFUNDED", "A refunded transaction cannot be voided."
        return None

    def status(self, body: Any) -> Result:
        with self._lock:
            body = _obj(body)
            ref = _str(body, "refTransId", "refTransId", required=False)
            my_ref = _str(body, "myRef", "myRef", required=False)
            if not ref and not my_ref:
                raise Invalid("refTransId", "Either refTransId or myRef is required.")
            found = None
            if ref:
                found = self.state.transactions.get(ref)
            else:
                matches = [t for t in self.state.transactions.values() if t.my_ref == my_ref]
                found = matches[-1] if matches else None
            if found is None:
                result = self._result(
                    "Status",
                    False,
                    "NOT_FOUND",
                    "No such transaction.",
                    amount=0.0,
                    currency="USD",
                    gateway="",
                    reference=None,
                )
                result["gatewayName"] = None
                return Result(Outcome.REJECTED, result)
            return Result(Outcome.OK, dict(found.last_result))

    def tokenize(self, body: Any) -> Result:
        with self._lock:
            body = _obj(body)
            number = self._card(body)
            gateway, _ = self._gateway(body)
            ok, code, desc = self._decide(gateway, number)
            result = self._result(
                "Tokenize",
                ok,
                code,
                desc,
                amount=0.0,
                currency="USD",
                gateway=gateway.name,
                reference=None,
            )
            if ok:
                result["gatewayToken"] = self._token("gateway")
            # Tokenizing moves no money: an approval is a plain answer (the spec has no 202).
            return Result(Outcome.OK if ok else Outcome.REJECTED, result)

    @staticmethod
    def gateways() -> Result:
        return Result(Outcome.OK, [g.describe() for g in GATEWAYS.values()])

    @staticmethod
    def whoami() -> Result:
        me = {"status": "Valid", "userName": "sandbox", "accountId": 1, "isSandbox": True}
        return Result(Outcome.OK, me)

    # --- string tokens ---------------------------------------------------------------------

    def store_token(self, body: Any) -> Result:
        with self._lock:
            body = _obj(body)
            payload = body.get("payload")
            if not isinstance(payload, str) or not payload:
                raise Invalid("payload", "The payload field is required.")
            if len(payload) > 16384:
                raise Invalid("payload", "The payload is longer than 16384 characters.")
            token = self._token("string")
            self.state.tokens[token] = (payload, CREATED)
            return Result(
                Outcome.CREATED, {"token": token, "createTime": CREATED}, f"/StringTokens/{token}"
            )

    def _stored(self, token: str) -> tuple[str, str] | None:
        if not TOKEN.fullmatch(token):
            raise Invalid("token", "A token is 32 letters and digits.")
        return self.state.tokens.get(token)

    def token(self, token: str, *, meta: bool) -> Result:
        with self._lock:
            stored = self._stored(token)
            if stored is None:
                return Result(Outcome.NOT_FOUND)
            body = {"token": token, "createTime": stored[1]}
            return Result(Outcome.OK, body if meta else {"clearPayload": stored[0], **body})

    def delete_token(self, token: str) -> Result:
        with self._lock:
            if self._stored(token) is None:
                return Result(Outcome.NOT_FOUND)
            del self.state.tokens[token]
            return Result(Outcome.OK)

    # --- gateway accounts ------------------------------------------------------------------

    @staticmethod
    def _name(name: str) -> str:
        if not ACCOUNT_NAME.fullmatch(name):
            raise Invalid("name", "An account name is 3 to 64 letters and digits.")
        return name

    def set_account(self, name: str, body: Any) -> Result:
        with self._lock:
            name = self._name(name)
            body = _obj(body)
            gateway = self._gateway_named(body.get("paymentGatewayName"), "")
            credentials = check_credentials(body.get("credentials"), "credentials")
            self._check_credentials(gateway, credentials, "")
            account = {
                "name": name,
                "creationTime": self.state.accounts.get(name, {}).get("creationTime", CREATED),
                "paymentGatewayName": gateway.name,
                "credentials": [{"key": c["key"], "value": c.get("value")} for c in credentials],
            }
            self.state.accounts[name] = account
            return Result(Outcome.OK, account)

    def account(self, name: str) -> Result:
        with self._lock:
            account = self.state.accounts.get(self._name(name))
            return Result(Outcome.OK, account) if account else Result(Outcome.NOT_FOUND)

    def accounts(self) -> Result:
        with self._lock:
            return Result(
                Outcome.OK,
                [
                    {k: a[k] for k in ("name", "paymentGatewayName", "creationTime")}
                    for a in self.state.accounts.values()
                ],
            )

    def delete_account(self, name: str) -> Result:
        with self._lock:
            self.state.accounts.pop(self._name(name), None)
            return Result(Outcome.OK)

    # --- Payments Library sessions -----------------------------------------------------------

    def start_session(self, body: Any) -> Result:
        with self._lock:
            body = _obj(body)
            operation = body.get("operation", "CHARGE")
            if operation not in (
                "CHARGE",
                "TOKENIZE",
                "CHARGE_AND_TOKENIZE",
                "PREAUTH_AND_TOKENIZE",
            ):
                raise Invalid("operation", f"Unknown operation {operation!r}.")
            if "CHARGE" in operation or "PREAUTH" in operation:
                _amount(body, "currencyCode")
                _currency(body, "currencyCode")
            elif body.get("amount") is not None:
                _amount(body, "currencyCode")
            token = self._token("session")
            self.state.sessions[token] = {"request": body, "completed": False}
            return Result(Outcome.OK, {"token": token})

    def complete_session(self, body: Any) -> Result:
        """What the client-side Payments Library does: pay, then hand back a signed result."""
        with self._lock:
            body = _obj(body)
            session = self.state.sessions.get(
                _str(body, "sessionToken", "sessionToken", required=False) or ""
            )
            if session is None:
                raise Invalid("sessionToken", "No such session.")
            request = session["request"]
            card = _obj(body.get("card") or {"cardNumber": "4242424242424242"}, "card")
            number = self._card_number(card)
            amount = float(request.get("amount") or 0)
            currency = request.get("currencyCode") or "USD"
            ok, code, desc = self._decide(GATEWAYS["SandboxCards"], number)
            tx_id = self._next("SBX") if ok else None
            result = self._result(
                "Charge",
                ok,
                code,
                desc,
                amount=amount,
                currency=currency,
                gateway="SandboxCards",
                reference=tx_id,
            )
            if tx_id:
                self.state.transactions[tx_id] = Transaction(
                    tx_id, "Charge", amount, currency, "SandboxCards", None, result
                )
            self._record("Charge", tx_id, None, amount, currency, result, "SandboxCards")
            session["completed"] = True
            data: dict[str, Any] = {
                "tokenAndMaskedCardModel": {
                    "bankCard": {
                        "number": "*" * (len(number) - 4) + number[-4:],
                        "expirationMonth": card.get("expirationMonth", 12),
                        "expirationYear": card.get("expirationYear", 2030),
                    },
                    "token": self._token("card"),
                },
                "failedUpgChargeResults": [] if ok else [result],
            }
            if ok:
                data["upgChargeResults"] = result
            payload = base64.urlsafe_b64encode(json.dumps(data).encode()).decode()
            return Result(Outcome.OK, {"results": f"{payload}.{self._sign(payload)}"})

    def _sign(self, payload: str) -> str:
        return hmac.new(
            self._secret, payload.encode("utf-8", "replace"), hashlib.sha256
        ).hexdigest()

    def validate_results(self, body: Any) -> Result:
        if not isinstance(body, str) or "." not in body:
            raise Invalid("results", "A results token is required.")
        payload, _, signature = body.rpartition(".")
        if not hmac.compare_digest(self._sign(payload).encode(), signature.encode()):
            raise Invalid("results", "The results token is not valid.")
        try:
            data = json.loads(base64.urlsafe_b64decode(payload.encode()))
        except ValueError:
            raise Invalid("results", "The results token is not valid.") from None
        if not isinstance(data, dict):
            raise Invalid("results", "The results token is not valid.")
        return Result(Outcome.OK, data)
