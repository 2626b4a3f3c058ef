from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import redacted_repr

T = TypeVar("T", bound="ThreeDSAuthentication")


@_attrs_define
class ThreeDSAuthentication:
    """Model for 3DS authentication data

    Attributes:
        authentication_value (str): Authentication value
        eci (str): Electronic Commerce Indicator
        merchant_name (str): Merchant name
        version (str): 3ds Version
        xid (str): transaction ID from the 3D Secure provider
        sli (str | None): (MasterCard) Security Level Indicator
    """

    authentication_value: str = _attrs_field(repr=redacted_repr)
    eci: str
    merchant_name: str
    version: str
    xid: str
    sli: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        authentication_value = self.authentication_value

        eci = self.eci

        merchant_name = self.merchant_name

        version = self.version

        xid = self.xid

        sli: str | None
        if self.sli is None:
            sli = None
        else:
            sli = self.sli

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "authenticationValue": authentication_value,
                "eci": eci,
                "merchantName": merchant_name,
                "version": version,
                "xid": xid,
            }
        )
        if sli is not None:
            field_dict["sli"] = sli

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        authentication_value = d.pop("authenticationValue")

        eci = d.pop("eci")

        merchant_name = d.pop("merchantName")

        version = d.pop("version")

        xid = d.pop("xid")

        def _parse_sli(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        sli = _parse_sli(d.pop("sli", None))

        three_ds_authentication = cls(
            authentication_value=authentication_value,
            eci=eci,
            merchant_name=merchant_name,
            version=version,
            xid=xid,
            sli=sli,
        )

        three_ds_authentication.additional_properties = d
        return three_ds_authentication

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
