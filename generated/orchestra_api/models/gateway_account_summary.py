from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="GatewayAccountSummary")


@_attrs_define
class GatewayAccountSummary:
    """Output Model for designating a payment gateway account with a client certificate

    Attributes:
        creation_time (datetime.datetime | None): Date and time the credentials were stored
        name (str | None): Name of account
        payment_gateway_name (str | None): Unique name of the Payment Gateway the account information relates to.
    """

    creation_time: datetime.datetime | None = None
    name: str | None = None
    payment_gateway_name: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        creation_time: str | None = None
        if self.creation_time is not None:
            creation_time = self.creation_time.isoformat()

        name: str | None
        if self.name is None:
            name = None
        else:
            name = self.name

        payment_gateway_name: str | None
        if self.payment_gateway_name is None:
            payment_gateway_name = None
        else:
            payment_gateway_name = self.payment_gateway_name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if creation_time is not None:
            field_dict["creationTime"] = creation_time
        if name is not None:
            field_dict["name"] = name
        if payment_gateway_name is not None:
            field_dict["paymentGatewayName"] = payment_gateway_name

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _creation_time = d.pop("creationTime", None)
        creation_time: datetime.datetime | None
        if _creation_time is None:
            creation_time = None
        else:
            creation_time = datetime.datetime.fromisoformat(_creation_time)

        def _parse_name(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        name = _parse_name(d.pop("name", None))

        def _parse_payment_gateway_name(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        payment_gateway_name = _parse_payment_gateway_name(
            d.pop("paymentGatewayName", None)
        )

        gateway_account_summary = cls(
            creation_time=creation_time,
            name=name,
            payment_gateway_name=payment_gateway_name,
        )

        gateway_account_summary.additional_properties = d
        return gateway_account_summary

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
