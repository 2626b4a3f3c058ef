from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PaymentGatewayDescription")


@_attrs_define
class PaymentGatewayDescription:
    """Model for Payment Gateway Description

    Attributes:
        credentials_names (list[str] | None | Unset): A list of all credential parameters needed to provide for this
            Payment Gateway
        description (None | str | Unset): Payment Gateway Description (informational)
        display_name (None | str | Unset): The name of the Payment Gateway in friendly format
        name (None | str | Unset): The ePayTools internal identifier for this Payment Gateway
        payment_gateway_url (None | str | Unset): Url to Payment Gateway site (informational)
        supports_network_token (bool | Unset): Indicates whether the Payment gateway supports Network Token (from Card
            schemes)
    """

    credentials_names: list[str] | None | Unset = UNSET
    description: None | str | Unset = UNSET
    display_name: None | str | Unset = UNSET
    name: None | str | Unset = UNSET
    payment_gateway_url: None | str | Unset = UNSET
    supports_network_token: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        credentials_names: list[str] | None | Unset
        if isinstance(self.credentials_names, Unset):
            credentials_names = UNSET
        elif isinstance(self.credentials_names, list):
            credentials_names = self.credentials_names

        else:
            credentials_names = self.credentials_names

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        display_name: None | str | Unset
        if isinstance(self.display_name, Unset):
            display_name = UNSET
        else:
            display_name = self.display_name

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        payment_gateway_url: None | str | Unset
        if isinstance(self.payment_gateway_url, Unset):
            payment_gateway_url = UNSET
        else:
            payment_gateway_url = self.payment_gateway_url

        supports_network_token = self.supports_network_token

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if credentials_names is not UNSET:
            field_dict["credentialsNames"] = credentials_names
        if description is not UNSET:
            field_dict["description"] = description
        if display_name is not UNSET:
            field_dict["displayName"] = display_name
        if name is not UNSET:
            field_dict["name"] = name
        if payment_gateway_url is not UNSET:
            field_dict["paymentGatewayUrl"] = payment_gateway_url
        if supports_network_token is not UNSET:
            field_dict["supportsNetworkToken"] = supports_network_token

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_credentials_names(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                credentials_names_type_0 = cast(list[str], data)

                return credentials_names_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        credentials_names = _parse_credentials_names(d.pop("credentialsNames", UNSET))

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_display_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        display_name = _parse_display_name(d.pop("displayName", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_payment_gateway_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        payment_gateway_url = _parse_payment_gateway_url(
            d.pop("paymentGatewayUrl", UNSET)
        )

        supports_network_token = d.pop("supportsNetworkToken", UNSET)

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
