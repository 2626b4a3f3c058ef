from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.key_value import KeyValue


T = TypeVar("T", bound="GatewayAccountInput")


@_attrs_define
class GatewayAccountInput:
    """Input Model for designating a payment gateway account

    Attributes:
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
        payment_gateway_name (str | None): Unique name of the Payment Gateway the account information relates to.
    """

    credentials: list[KeyValue] | None = None
    payment_gateway_name: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
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

        payment_gateway_name: str | None
        if self.payment_gateway_name is None:
            payment_gateway_name = None
        else:
            payment_gateway_name = self.payment_gateway_name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if credentials is not None:
            field_dict["credentials"] = credentials
        if payment_gateway_name is not None:
            field_dict["paymentGatewayName"] = payment_gateway_name

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.key_value import KeyValue  # noqa: PLC0415

        d = dict(src_dict)

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

        def _parse_payment_gateway_name(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        payment_gateway_name = _parse_payment_gateway_name(
            d.pop("paymentGatewayName", None)
        )

        gateway_account_input = cls(
            credentials=credentials,
            payment_gateway_name=payment_gateway_name,
        )

        gateway_account_input.additional_properties = d
        return gateway_account_input

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
