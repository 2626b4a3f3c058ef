"""Defaults in one place."""

import httpx

DEFAULT_BASE_URL = "https://api.orchestrasolutions.com"
API_KEY_HEADER = "X-Api-Key"

# A payment gateway can take tens of seconds to answer; connecting should not.
DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=60.0, write=10.0, pool=10.0)
# Idle connections close after 4 s, before a server's usual 5 s keep-alive timeout: a request
# sent on a connection the server is closing gets no answer, an unknown outcome for a payment.
DEFAULT_LIMITS = httpx.Limits(
    max_connections=100, max_keepalive_connections=20, keepalive_expiry=4.0
)
# The async httpx backend splits limits.max_connections over pools of at most this many.
HTTPCORE_POOL_SIZE = 5

# The vendor: on 503 "retry with exponential backoff (1 s, 2 s, 4 s, ...)".
DEFAULT_ATTEMPTS = 4
DEFAULT_WAIT_INITIAL = 1.0
DEFAULT_WAIT_MAX = 8.0
DEFAULT_WAIT_JITTER = 0.5
DEFAULT_RETRY_AFTER_MAX = 30.0
DEFAULT_RETRY_BUDGET = 90.0

ATTEMPTS_EXTENSION = "orchestra_attempts"
JSON_EXTENSION = "orchestra_json"  # the parsed body, read and checked by the retry transport
DEADLINE_EXTENSION = "orchestra_deadline"  # a per-call total budget in seconds
FACADE_EXTENSION = "orchestra_facade"  # sent by the facade (myRef done, answers mapped there)
RETRY_EXTENSION = "orchestra_retry"  # a per-call RetryPolicy in place of the client's

# reconcile(): ask status until a definite answer, waiting 0.5 s, 1 s, 2 s, 4 s, 4 s...
DEFAULT_RECONCILE_WAIT = 30.0
# "not_found" needs every lookup to find nothing over at least this many seconds: a gateway
# still processing the operation answers "not found" for a while.
RECONCILE_MIN_WINDOW = 10.0
# The last lookup starts at least this long before the wait ends (its deadline).
RECONCILE_LOOKUP_TIME = 0.5
RECONCILE_WAIT_INITIAL = 0.5
RECONCILE_WAIT_MAX = 4.0
