from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.currency_code import CurrencyCode
from ..models.operation_type import OperationType
from ..models.result_code import ResultCode
from ..types import UNSET, Unset

T = TypeVar("T", bound="OperationResult")


@_attrs_define
class OperationResult:
    """
    Attributes:
        amount (float | Unset):
        authorization_code (None | str | Unset):
        currency (CurrencyCode | Unset):
        custom_gateway_response (Any | Unset):
        gateway_name (None | str | Unset):
        gateway_reference (None | str | Unset):
        gateway_result_code (None | str | Unset):
        gateway_result_description (None | str | Unset):
        gateway_result_sub_code (None | str | Unset):
        gateway_result_sub_description (None | str | Unset):
        gateway_token (Any | Unset):
        operation_result_code (ResultCode | Unset):
        operation_result_description (None | str | Unset):
        operation_type (OperationType | Unset):
    """

    amount: float | Unset = UNSET
    authorization_code: None | str | Unset = UNSET
    currency: CurrencyCode | Unset = UNSET
    custom_gateway_response: Any | Unset = UNSET
    gateway_name: None | str | Unset = UNSET
    gateway_reference: None | str | Unset = UNSET
    gateway_result_code: None | str | Unset = UNSET
    gateway_result_description: None | str | Unset = UNSET
    gateway_result_sub_code: None | str | Unset = UNSET
    gateway_result_sub_description: None | str | Unset = UNSET
    gateway_token: Any | Unset = UNSET
    operation_result_code: ResultCode | Unset = UNSET
    operation_result_description: None | str | Unset = UNSET
    operation_type: OperationType | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        authorization_code: None | str | Unset
        if isinstance(self.authorization_code, Unset):
            authorization_code = UNSET
        else:
            authorization_code = self.authorization_code

        currency: str | Unset = UNSET
        if not isinstance(self.currency, Unset):
            currency = self.currency.value

        custom_gateway_response = self.custom_gateway_response

        gateway_name: None | str | Unset
        if isinstance(self.gateway_name, Unset):
            gateway_name = UNSET
        else:
            gateway_name = self.gateway_name

        gateway_reference: None | str | Unset
        if isinstance(self.gateway_reference, Unset):
            gateway_reference = UNSET
        else:
            gateway_reference = self.gateway_reference

        gateway_result_code: None | str | Unset
        if isinstance(self.gateway_result_code, Unset):
            gateway_result_code = UNSET
        else:
            gateway_result_code = self.gateway_result_code

        gateway_result_description: None | str | Unset
        if isinstance(self.gateway_result_description, Unset):
            gateway_result_description = UNSET
        else:
            gateway_result_description = self.gateway_result_description

        gateway_result_sub_code: None | str | Unset
        if isinstance(self.gateway_result_sub_code, Unset):
            gateway_result_sub_code = UNSET
        else:
            gateway_result_sub_code = self.gateway_result_sub_code

        gateway_result_sub_description: None | str | Unset
        if isinstance(self.gateway_result_sub_description, Unset):
            gateway_result_sub_description = UNSET
        else:
            gateway_result_sub_description = self.gateway_result_sub_description

        gateway_token = self.gateway_token

        operation_result_code: str | Unset = UNSET
        if not isinstance(self.operation_result_code, Unset):
            operation_result_code = self.operation_result_code.value

        operation_result_description: None | str | Unset
        if isinstance(self.operation_result_description, Unset):
            operation_result_description = UNSET
        else:
            operation_result_description = self.operation_result_description

        operation_type: str | Unset = UNSET
        if not isinstance(self.operation_type, Unset):
            operation_type = self.operation_type.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if amount is not UNSET:
            field_dict["amount"] = amount
        if authorization_code is not UNSET:
            field_dict["authorizationCode"] = authorization_code
        if currency is not UNSET:
            field_dict["currency"] = currency
        if custom_gateway_response is not UNSET:
            field_dict["customGatewayResponse"] = custom_gateway_response
        if gateway_name is not UNSET:
            field_dict["gatewayName"] = gateway_name
        if gateway_reference is not UNSET:
            field_dict["gatewayReference"] = gateway_reference
        if gateway_result_code is not UNSET:
            field_dict["gatewayResultCode"] = gateway_result_code
        if gateway_result_description is not UNSET:
            field_dict["gatewayResultDescription"] = gateway_result_description
        if gateway_result_sub_code is not UNSET:
            field_dict["gatewayResultSubCode"] = gateway_result_sub_code
        if gateway_result_sub_description is not UNSET:
            field_dict["gatewayResultSubDescription"] = gateway_result_sub_description
        if gateway_token is not UNSET:
            field_dict["gatewayToken"] = gateway_token
        if operation_result_code is not UNSET:
            field_dict["operationResultCode"] = operation_result_code
        if operation_result_description is not UNSET:
            field_dict["operationResultDescription"] = operation_result_description
        if operation_type is not UNSET:
            field_dict["operationType"] = operation_type

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount", UNSET)

        def _parse_authorization_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        authorization_code = _parse_authorization_code(
            d.pop("authorizationCode", UNSET)
        )

        _currency = d.pop("currency", UNSET)
        currency: CurrencyCode | Unset
        if isinstance(_currency, Unset):
            currency = UNSET
        else:
            currency = CurrencyCode(_currency)

        custom_gateway_response = d.pop("customGatewayResponse", UNSET)

        def _parse_gateway_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        gateway_name = _parse_gateway_name(d.pop("gatewayName", UNSET))

        def _parse_gateway_reference(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        gateway_reference = _parse_gateway_reference(d.pop("gatewayReference", UNSET))

        def _parse_gateway_result_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        gateway_result_code = _parse_gateway_result_code(
            d.pop("gatewayResultCode", UNSET)
        )

        def _parse_gateway_result_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        gateway_result_description = _parse_gateway_result_description(
            d.pop("gatewayResultDescription", UNSET)
        )

        def _parse_gateway_result_sub_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        gateway_result_sub_code = _parse_gateway_result_sub_code(
            d.pop("gatewayResultSubCode", UNSET)
        )

        def _parse_gateway_result_sub_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        gateway_result_sub_description = _parse_gateway_result_sub_description(
            d.pop("gatewayResultSubDescription", UNSET)
        )

        gateway_token = d.pop("gatewayToken", UNSET)

        _operation_result_code = d.pop("operationResultCode", UNSET)
        operation_result_code: ResultCode | Unset
        if isinstance(_operation_result_code, Unset):
            operation_result_code = UNSET
        else:
            operation_result_code = ResultCode(_operation_result_code)

        def _parse_operation_result_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        operation_result_description = _parse_operation_result_description(
            d.pop("operationResultDescription", UNSET)
        )

        _operation_type = d.pop("operationType", UNSET)
        operation_type: OperationType | Unset
        if isinstance(_operation_type, Unset):
            operation_type = UNSET
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
