"""Contains all the data models used in inputs/outputs.

Models load on first use (PEP 562 ``__getattr__``): importing one model, or this package, does
not pay for creating every attrs class.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .authentication_result import AuthenticationResult
    from .bank_card import BankCard
    from .capture_void_request import CaptureVoidRequest
    from .card import Card
    from .card_type import CardType
    from .charge_request import ChargeRequest
    from .currency_code import CurrencyCode
    from .direct_charge_results import DirectChargeResults
    from .e_wallet_mode import EWalletMode
    from .e_wallet_operation import EWalletOperation
    from .e_wallet_result_data import EWalletResultData
    from .fallback_gateway import FallbackGateway
    from .gateway_account import GatewayAccount
    from .gateway_account_input import GatewayAccountInput
    from .gateway_account_summary import GatewayAccountSummary
    from .inline_gateway_account import InlineGatewayAccount
    from .key_value import KeyValue
    from .network_token_scheme import NetworkTokenScheme
    from .operation_result import OperationResult
    from .operation_type import OperationType
    from .payer_details import PayerDetails
    from .payment_gateway_description import PaymentGatewayDescription
    from .refund_request import RefundRequest
    from .result_code import ResultCode
    from .session_token import SessionToken
    from .start_session_request import StartSessionRequest
    from .status_request import StatusRequest
    from .stored_card import StoredCard
    from .string_token import StringToken
    from .string_token_input import StringTokenInput
    from .string_token_meta import StringTokenMeta
    from .three_ds_authentication import ThreeDSAuthentication
    from .three_ds_data import ThreeDSData
    from .token_and_masked_card import TokenAndMaskedCard
    from .tokenize_request import TokenizeRequest
    from .validation_error_message import ValidationErrorMessage

_MODULE_OF: dict[str, str] = {
    "AuthenticationResult": ".authentication_result",
    "BankCard": ".bank_card",
    "CaptureVoidRequest": ".capture_void_request",
    "Card": ".card",
    "CardType": ".card_type",
    "ChargeRequest": ".charge_request",
    "CurrencyCode": ".currency_code",
    "DirectChargeResults": ".direct_charge_results",
    "EWalletMode": ".e_wallet_mode",
    "EWalletOperation": ".e_wallet_operation",
    "EWalletResultData": ".e_wallet_result_data",
    "FallbackGateway": ".fallback_gateway",
    "GatewayAccount": ".gateway_account",
    "GatewayAccountInput": ".gateway_account_input",
    "GatewayAccountSummary": ".gateway_account_summary",
    "InlineGatewayAccount": ".inline_gateway_account",
    "KeyValue": ".key_value",
    "NetworkTokenScheme": ".network_token_scheme",
    "OperationResult": ".operation_result",
    "OperationType": ".operation_type",
    "PayerDetails": ".payer_details",
    "PaymentGatewayDescription": ".payment_gateway_description",
    "RefundRequest": ".refund_request",
    "ResultCode": ".result_code",
    "SessionToken": ".session_token",
    "StartSessionRequest": ".start_session_request",
    "StatusRequest": ".status_request",
    "StoredCard": ".stored_card",
    "StringToken": ".string_token",
    "StringTokenInput": ".string_token_input",
    "StringTokenMeta": ".string_token_meta",
    "ThreeDSAuthentication": ".three_ds_authentication",
    "ThreeDSData": ".three_ds_data",
    "TokenAndMaskedCard": ".token_and_masked_card",
    "TokenizeRequest": ".tokenize_request",
    "ValidationErrorMessage": ".validation_error_message",
}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = (
    "AuthenticationResult",
    "BankCard",
    "CaptureVoidRequest",
    "Card",
    "CardType",
    "ChargeRequest",
    "CurrencyCode",
    "DirectChargeResults",
    "EWalletMode",
    "EWalletOperation",
    "EWalletResultData",
    "FallbackGateway",
    "GatewayAccount",
    "GatewayAccountInput",
    "GatewayAccountSummary",
    "InlineGatewayAccount",
    "KeyValue",
    "NetworkTokenScheme",
    "OperationResult",
    "OperationType",
    "PayerDetails",
    "PaymentGatewayDescription",
    "RefundRequest",
    "ResultCode",
    "SessionToken",
    "StartSessionRequest",
    "StatusRequest",
    "StoredCard",
    "StringToken",
    "StringTokenInput",
    "StringTokenMeta",
    "ThreeDSAuthentication",
    "ThreeDSData",
    "TokenAndMaskedCard",
    "TokenizeRequest",
    "ValidationErrorMessage",
)
