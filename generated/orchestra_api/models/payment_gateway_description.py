from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PaymentGatewayDescription")


@_attrs_define
class PaymentGatewayDescription:
    """Model for Payment Gateway Description

    Attributes:
        credentials_names (list[str] | None): A list of all credential parameters needed to provide for this Payment
            Gateway
        description (str | None): Payment Gateway Description (informational)
        display_name (str | None): The name of the Payment Gateway in friendly format
        name (str | None): The ePayTools internal identifier for this Payment Gateway
        payment_gateway_url (str | None): Url to Payment Gateway site (informational)
        supports_network_token (bool | None): Indicates whether the Payment gateway supports Network Token (from Card
            schemes)
    """

    credentials_names: list[str] | None = None
    description: str | None = None
    display_name: str | None = None
    name: str | None = None
    payment_gateway_url: str | None = None
    supports_network_token: bool | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        credentials_names: list[str] | None
        if self.credentials_names is None:
            credentials_names = None
        elif isinstance(self.credentials_names, list):
            credentials_names = self.credentials_names

        else:
            credentials_names = self.credentials_names

        description: str | None
        if self.description is None:
            description = None
        else:
            description = self.description

        display_name: str | None
        if self.display_name is None:
            display_name = None
        else:
            display_name = self.display_name

        name: str | None
        if self.name is None:
            name = None
        else:
            name = self.name

        payment_gateway_url: str | None
        if self.payment_gateway_url is None:
            payment_gateway_url = None
        else:
            payment_gateway_url = self.payment_gateway_url

        supports_network_token = self.supports_network_token

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if credentials_names is not None:
            field_dict["credentialsNames"] = credentials_names
        if description is not None:
            field_dict["description"] = description
        if display_name is not None:
            field_dict["displayName"] = display_name
        if name is not None:
            field_dict["name"] = name
        if payment_gateway_url is not None:
            field_dict["paymentGatewayUrl"] = payment_gateway_url
        if supports_network_token is not None:
            field_dict["supportsNetworkToken"] = supports_network_token

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_credentials_names(data: object) -> list[str] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                credentials_names_type_0 = cast(list[str], data)

                return credentials_names_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None, data)

        credentials_names = _parse_credentials_names(d.pop("credentialsNames", None))

        def _parse_description(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        description = _parse_description(d.pop("description", None))

        def _parse_display_name(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        display_name = _parse_display_name(d.pop("displayName", None))

        def _parse_name(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        name = _parse_name(d.pop("name", None))

        def _parse_payment_gateway_url(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        payment_gateway_url = _parse_payment_gateway_url(
            d.pop("paymentGatewayUrl", None)
        )

        supports_network_token = d.pop("supportsNetworkToken", None)

        payment_gateway_description = cls(
            credentials_names=credentials_names,
            description=description,
            display_name=display_name,
            name=name,
            payment_gateway_url=payment_gateway_url,
            supports_network_token=supports_network_token,
        )

        payment_gateway_description.additional_properties = d
        return payment_gateway_description

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
