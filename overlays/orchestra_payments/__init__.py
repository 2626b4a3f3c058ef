"""orchestra-payments: a safe-by-default client for the Orchestra payments API.

from orchestra_payments import Orchestra
client = Orchestra(api_key="...")
result = client.payment_gateway.charge({...})
"""

import logging

from ._base import ApiResponse, Operation
from ._client import AsyncOrchestra, Orchestra
from ._exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConfigurationError,
    GatewayError,
    GatewayRejectedError,
    GatewayUnavailableError,
    NotFoundError,
    OrchestraError,
    OutcomeUnknownError,
    RateLimitError,
    RequestValidationError,
    TransactionNotFoundError,
    UnexpectedResponseError,
)
from ._outcome import MY_REF_PREFIX, generate_my_ref
from ._reconcile import Reconciliation
from ._retry import NO_RETRY, RetryPolicy, retry_delay, should_retry

__version__ = "0.1.0"

# Quiet unless the application configures logging (no "last resort" output to stderr).
logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "MY_REF_PREFIX",
    "NO_RETRY",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "ApiResponse",
    "AsyncOrchestra",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConfigurationError",
    "GatewayError",
    "GatewayRejectedError",
    "GatewayUnavailableError",
    "NotFoundError",
    "Operation",
    "Orchestra",
    "OrchestraError",
    "OutcomeUnknownError",
    "RateLimitError",
    "Reconciliation",
    "RequestValidationError",
    "RetryPolicy",
    "TransactionNotFoundError",
    "UnexpectedResponseError",
    "__version__",
    "generate_my_ref",
    "retry_delay",
    "should_retry",
]
