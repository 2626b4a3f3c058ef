"""Request bodies as TypedDicts, generated from the spec: ``ChargeParams``, ``CardParams``, ...

Every facade method that sends a body takes the generated model or one of these dicts, so an
editor completes the keys and ``mypy --strict`` rejects a misspelt or wrongly typed one::

    from orchestra_payments.params import ChargeParams

    body: ChargeParams = {"amount": 10.0, "currency": "USD", "myRef": "order-1234", "card": {...}}
    client.payment_gateway.charge(body)

At run time a dict with an unknown key raises ``RequestValidationError`` naming it and the
closest valid name, before anything is sent.
"""

from ._generated_params import *  # noqa: F403
from ._generated_params import __all__ as __all__
