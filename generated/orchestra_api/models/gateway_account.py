from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.key_value import KeyValue


T = TypeVar("T", bound="GatewayAccount")


@_attrs_define
class GatewayAccount:
    """Output Model for designating a payment gateway account

    Attributes:
        creation_time (datetime.datetime | None): Date and time the credentials were stored
        credentials (list[KeyValue] | None): A list of key-value pairs that represents your credentials within the
            Payment gateway.
            Each key should represent a parameter listed in the "CredentialsNames" element of the response from the list all
            payment gateways method at `[GET] /paymentGateway`
            Example:
            "Credentials": [
               {
                   "Key": "PrivateKey",
                   "Value": "VBtt666M/G098098vgdewvk0Mc-GH"
               }
            ]
        name (str | None): Name of account
        payment_gateway_name (str | None): Unique name of the Payment Gateway the account information relates to.
    """

    creation_time: datetime.datetime | None = None
    credentials: list[KeyValue] | None = None
    name: str | None = None
    payment_gateway_name: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        creation_time: str | None = None
        if self.creation_time is not None:
            creation_time = self.creation_time.isoformat()

        credentials: list[dict[str, Any]] | None
        if self.credentials is None:
            credentials = None
        elif isinstance(self.credentials, list):
            credentials = []
            for credentials_type_0_item_data in self.credentials:
                credentials_type_0_item = credentials_type_0_item_data.to_dict()

                credentials.append(credentials_type_0_item)

        else:
            credentials = self.credentials

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
        if credentials is not None:
            field_dict["credentials"] = credentials
        if name is not None:
            field_dict["name"] = name
        if payment_gateway_name is not None:
            field_dict["paymentGatewayName"] = payment_gateway_name

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.key_value import KeyValue  # noqa: PLC0415

        d = dict(src_dict)
        _creation_time = d.pop("creationTime", None)
        creation_time: datetime.datetime | None
        if _creation_time is None:
            creation_time = None
        else:
            creation_time = datetime.datetime.fromisoformat(_creation_time)

        def _parse_credentials(data: object) -> list[KeyValue] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                credentials_type_0 = []
                _credentials_type_0 = data
                for credentials_type_0_item_data in _credentials_type_0:
                    credentials_type_0_item = KeyValue.from_dict(
                        credentials_type_0_item_data
                    )

                    credentials_type_0.append(credentials_type_0_item)

                return credentials_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[KeyValue] | None, data)

        credentials = _parse_credentials(d.pop("credentials", None))

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

        gateway_account = cls(
            creation_time=creation_time,
            credentials=credentials,
            name=name,
            payment_gateway_name=payment_gateway_name,
        )

        gateway_account.additional_properties = d
        return gateway_account

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
