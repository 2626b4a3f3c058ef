from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.currency_code import CurrencyCode
from ..models.operation_type import OperationType
from ..models.result_code import ResultCode

T = TypeVar("T", bound="OperationResult")


@_attrs_define
class OperationResult:
    """
    Attributes:
        amount (float | None):
        authorization_code (str | None):
        currency (CurrencyCode | None):
        custom_gateway_response (Any | None):
        gateway_name (str | None):
        gateway_reference (str | None):
        gateway_result_code (str | None):
        gateway_result_description (str | None):
        gateway_result_sub_code (str | None):
        gateway_result_sub_description (str | None):
        gateway_token (Any | None):
        operation_result_code (ResultCode | None):
        operation_result_description (str | None):
        operation_type (OperationType | None):
    """

    amount: float | None = None
    authorization_code: str | None = None
    currency: CurrencyCode | None = None
    custom_gateway_response: Any | None = None
    gateway_name: str | None = None
    gateway_reference: str | None = None
    gateway_result_code: str | None = None
    gateway_result_description: str | None = None
    gateway_result_sub_code: str | None = None
    gateway_result_sub_description: str | None = None
    gateway_token: Any | None = None
    operation_result_code: ResultCode | None = None
    operation_result_description: str | None = None
    operation_type: OperationType | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        authorization_code: str | None
        if self.authorization_code is None:
            authorization_code = None
        else:
            authorization_code = self.authorization_code

        currency: str | None = None
        if self.currency is not None:
            currency = self.currency.value

        custom_gateway_response = self.custom_gateway_response

        gateway_name: str | None
        if self.gateway_name is None:
            gateway_name = None
        else:
            gateway_name = self.gateway_name

        gateway_reference: str | None
        if self.gateway_reference is None:
            gateway_reference = None
        else:
            gateway_reference = self.gateway_reference

        gateway_result_code: str | None
        if self.gateway_result_code is None:
            gateway_result_code = None
        else:
            gateway_result_code = self.gateway_result_code

        gateway_result_description: str | None
        if self.gateway_result_description is None:
            gateway_result_description = None
        else:
            gateway_result_description = self.gateway_result_description

        gateway_result_sub_code: str | None
        if self.gateway_result_sub_code is None:
            gateway_result_sub_code = None
        else:
            gateway_result_sub_code = self.gateway_result_sub_code

        gateway_result_sub_description: str | None
        if self.gateway_result_sub_description is None:
            gateway_result_sub_description = None
        else:
            gateway_result_sub_description = self.gateway_result_sub_description

        gateway_token = self.gateway_token

        operation_result_code: str | None = None
        if self.operation_result_code is not None:
            operation_result_code = self.operation_result_code.value

        operation_result_description: str | None
        if self.operation_result_description is None:
            operation_result_description = None
        else:
            operation_result_description = self.operation_result_description

        operation_type: str | None = None
        if self.operation_type is not None:
            operation_type = self.operation_type.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if amount is not None:
            field_dict["amount"] = amount
        if authorization_code is not None:
            field_dict["authorizationCode"] = authorization_code
        if currency is not None:
            field_dict["currency"] = currency
        if custom_gateway_response is not None:
            field_dict["customGatewayResponse"] = custom_gateway_response
        if gateway_name is not None:
            field_dict["gatewayName"] = gateway_name
        if gateway_reference is not None:
            field_dict["gatewayReference"] = gateway_reference
        if gateway_result_code is not None:
            field_dict["gatewayResultCode"] = gateway_result_code
        if gateway_result_description is not None:
            field_dict["gatewayResultDescription"] = gateway_result_description
        if gateway_result_sub_code is not None:
            field_dict["gatewayResultSubCode"] = gateway_result_sub_code
        if gateway_result_sub_description is not None:
            field_dict["gatewayResultSubDescription"] = gateway_result_sub_description
        if gateway_token is not None:
            field_dict["gatewayToken"] = gateway_token
        if operation_result_code is not None:
            field_dict["operationResultCode"] = operation_result_code
        if operation_result_description is not None:
            field_dict["operationResultDescription"] = operation_result_description
        if operation_type is not None:
            field_dict["operationType"] = operation_type

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount", None)

        def _parse_authorization_code(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        authorization_code = _parse_authorization_code(d.pop("authorizationCode", None))

        _currency = d.pop("currency", None)
        currency: CurrencyCode | None
        if _currency is None:
            currency = None
        else:
            currency = CurrencyCode(_currency)

        custom_gateway_response = d.pop("customGatewayResponse", None)

        def _parse_gateway_name(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        gateway_name = _parse_gateway_name(d.pop("gatewayName", None))

        def _parse_gateway_reference(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        gateway_reference = _parse_gateway_reference(d.pop("gatewayReference", None))

        def _parse_gateway_result_code(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        gateway_result_code = _parse_gateway_result_code(
            d.pop("gatewayResultCode", None)
        )

        def _parse_gateway_result_description(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        gateway_result_description = _parse_gateway_result_description(
            d.pop("gatewayResultDescription", None)
        )

        def _parse_gateway_result_sub_code(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        gateway_result_sub_code = _parse_gateway_result_sub_code(
            d.pop("gatewayResultSubCode", None)
        )

        def _parse_gateway_result_sub_description(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        gateway_result_sub_description = _parse_gateway_result_sub_description(
            d.pop("gatewayResultSubDescription", None)
        )

        gateway_token = d.pop("gatewayToken", None)

        _operation_result_code = d.pop("operationResultCode", None)
        operation_result_code: ResultCode | None
        if _operation_result_code is None:
            operation_result_code = None
        else:
            operation_result_code = ResultCode(_operation_result_code)

        def _parse_operation_result_description(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        operation_result_description = _parse_operation_result_description(
            d.pop("operationResultDescription", None)
        )

        _operation_type = d.pop("operationType", None)
        operation_type: OperationType | None
        if _operation_type is None:
            operation_type = None
        else:
            operation_type = OperationType(_operation_type)

        operation_result = cls(
            amount=amount,
            authorization_code=authorization_code,
            currency=currency,
            custom_gateway_response=custom_gateway_response,
            gateway_name=gateway_name,
            gateway_reference=gateway_reference,
            gateway_result_code=gateway_result_code,
            gateway_result_description=gateway_result_description,
            gateway_result_sub_code=gateway_result_sub_code,
            gateway_result_sub_description=gateway_result_sub_description,
            gateway_token=gateway_token,
            operation_result_code=operation_result_code,
            operation_result_description=operation_result_description,
            operation_type=operation_type,
        )

        operation_result.additional_properties = d
        return operation_result

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
