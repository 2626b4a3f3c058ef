"""orchestra-payments: a safe-by-default client for the Orchestra payments API.

from orchestra_payments import Orchestra
client = Orchestra(api_key="...")
result = client.payment_gateway.charge({...})
"""

import logging

from . import params
from ._client import (
    RECONCILE_MIN_WINDOW,
    AsyncOrchestra,
    Orchestra,
    Reconciliation,
)
from ._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConfigurationError,
    GatewayAnswerError,
    GatewayError,
    GatewayRejectedError,
    GatewayUnavailableError,
    NotFoundError,
    OrchestraError,
    OutcomeUnknownError,
    PoolTimeoutError,
    RateLimitError,
    RedactedError,
    RequestValidationError,
    RetriesExhaustedError,
    TransactionNotFoundError,
    UnexpectedResponseError,
)
from ._pipeline import (
    MY_REF_PREFIX,
    NO_RETRY,
    ApiResponse,
    RequestOptions,
    RetryPolicy,
    generate_my_ref,
)
from ._telemetry import HookEvent, Hooks, package_version


def __dir__() -> list[str]:
    return sorted(__all__)


def __getattr__(name: str) -> str:
    if name == "__version__":
        return package_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Quiet unless the application configures logging (no "last resort" output to stderr).
logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "MY_REF_PREFIX",
    "NO_RETRY",
    "RECONCILE_MIN_WINDOW",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "ApiResponse",
    "AsyncOrchestra",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConfigurationError",
    "GatewayAnswerError",
    "GatewayError",
    "GatewayRejectedError",
    "GatewayUnavailableError",
    "HookEvent",
    "Hooks",
    "NotFoundError",
    "Orchestra",
    "OrchestraError",
    "OutcomeUnknownError",
    "PoolTimeoutError",
    "RateLimitError",
    "Reconciliation",
    "RedactedError",
    "RequestOptions",
    "RequestValidationError",
    "RetriesExhaustedError",
    "RetryPolicy",
    "TransactionNotFoundError",
    "UnexpectedResponseError",
    "__version__",
    "generate_my_ref",
    "params",
]
