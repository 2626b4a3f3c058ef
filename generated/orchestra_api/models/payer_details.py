from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PayerDetails")


@_attrs_define
class PayerDetails:
    """The billing information of the card owner

    Attributes:
        client_ip_address (str): Client IP address
        country_code (str): 2 letter country code (<a href="https://en.wikipedia.org/wiki/ISO_3166-2#Current_codes"
            target="_blank">ISO 3166-2 <img src="https://files.readme.io/b676144-openNewWindow.png" width="10" /></a>)
        address1 (str | None): 1st address line
        address2 (str | None): 2nd address line
        address3 (str | None): 3rd address line
        city (str | None): City
        post_code (str | None): Postal code or Zip code
        state_province (str | None): State or Province
    """

    client_ip_address: str
    country_code: str
    address1: str | None = None
    address2: str | None = None
    address3: str | None = None
    city: str | None = None
    post_code: str | None = None
    state_province: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        client_ip_address = self.client_ip_address

        country_code = self.country_code

        address1: str | None
        if self.address1 is None:
            address1 = None
        else:
            address1 = self.address1

        address2: str | None
        if self.address2 is None:
            address2 = None
        else:
            address2 = self.address2

        address3: str | None
        if self.address3 is None:
            address3 = None
        else:
            address3 = self.address3

        city: str | None
        if self.city is None:
            city = None
        else:
            city = self.city

        post_code: str | None
        if self.post_code is None:
            post_code = None
        else:
            post_code = self.post_code

        state_province: str | None
        if self.state_province is None:
            state_province = None
        else:
            state_province = self.state_province

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "clientIPAddress": client_ip_address,
                "countryCode": country_code,
            }
        )
        if address1 is not None:
            field_dict["address1"] = address1
        if address2 is not None:
            field_dict["address2"] = address2
        if address3 is not None:
            field_dict["address3"] = address3
        if city is not None:
            field_dict["city"] = city
        if post_code is not None:
            field_dict["postCode"] = post_code
        if state_province is not None:
            field_dict["stateProvince"] = state_province

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        client_ip_address = d.pop("clientIPAddress")

        country_code = d.pop("countryCode")

        def _parse_address1(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        address1 = _parse_address1(d.pop("address1", None))

        def _parse_address2(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        address2 = _parse_address2(d.pop("address2", None))

        def _parse_address3(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        address3 = _parse_address3(d.pop("address3", None))

        def _parse_city(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        city = _parse_city(d.pop("city", None))

        def _parse_post_code(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        post_code = _parse_post_code(d.pop("postCode", None))

        def _parse_state_province(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        state_province = _parse_state_province(d.pop("stateProvince", None))

        payer_details = cls(
            client_ip_address=client_ip_address,
            country_code=country_code,
            address1=address1,
            address2=address2,
            address3=address3,
            city=city,
            post_code=post_code,
            state_province=state_province,
        )

        payer_details.additional_properties = d
        return payer_details

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
