from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="FallbackGateway")


@_attrs_define
class FallbackGateway:
    """
    Attributes:
        pass_3ds_data (bool | None):
        payment_gateway_account_id (str | None):
    """

    pass_3ds_data: bool | None = None
    payment_gateway_account_id: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        pass_3ds_data = self.pass_3ds_data

        payment_gateway_account_id: str | None
        if self.payment_gateway_account_id is None:
            payment_gateway_account_id = None
        else:
            payment_gateway_account_id = self.payment_gateway_account_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if pass_3ds_data is not None:
            field_dict["pass3DSData"] = pass_3ds_data
        if payment_gateway_account_id is not None:
            field_dict["paymentGatewayAccountId"] = payment_gateway_account_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        pass_3ds_data = d.pop("pass3DSData", None)

        def _parse_payment_gateway_account_id(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        payment_gateway_account_id = _parse_payment_gateway_account_id(
            d.pop("paymentGatewayAccountId", None)
        )

        fallback_gateway = cls(
            pass_3ds_data=pass_3ds_data,
            payment_gateway_account_id=payment_gateway_account_id,
        )

        fallback_gateway.additional_properties = d
        return fallback_gateway

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
