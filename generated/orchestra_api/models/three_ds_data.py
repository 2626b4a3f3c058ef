from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import redacted_repr

T = TypeVar("T", bound="ThreeDSData")


@_attrs_define
class ThreeDSData:
    """
    Attributes:
        acs_transaction_id (str | None):
        authentication_value (str | None):
        eci (str | None):
        sli (str | None):
        version (str | None):
        xid (str | None):
    """

    acs_transaction_id: str | None = None
    authentication_value: str | None = _attrs_field(default=None, repr=redacted_repr)
    eci: str | None = None
    sli: str | None = None
    version: str | None = None
    xid: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        acs_transaction_id: str | None
        if self.acs_transaction_id is None:
            acs_transaction_id = None
        else:
            acs_transaction_id = self.acs_transaction_id

        authentication_value: str | None
        if self.authentication_value is None:
            authentication_value = None
        else:
            authentication_value = self.authentication_value

        eci: str | None
        if self.eci is None:
            eci = None
        else:
            eci = self.eci

        sli: str | None
        if self.sli is None:
            sli = None
        else:
            sli = self.sli

        version: str | None
        if self.version is None:
            version = None
        else:
            version = self.version

        xid: str | None
        if self.xid is None:
            xid = None
        else:
            xid = self.xid

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if acs_transaction_id is not None:
            field_dict["acsTransactionId"] = acs_transaction_id
        if authentication_value is not None:
            field_dict["authenticationValue"] = authentication_value
        if eci is not None:
            field_dict["eci"] = eci
        if sli is not None:
            field_dict["sli"] = sli
        if version is not None:
            field_dict["version"] = version
        if xid is not None:
            field_dict["xid"] = xid

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_acs_transaction_id(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        acs_transaction_id = _parse_acs_transaction_id(d.pop("acsTransactionId", None))

        def _parse_authentication_value(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        authentication_value = _parse_authentication_value(
            d.pop("authenticationValue", None)
        )

        def _parse_eci(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        eci = _parse_eci(d.pop("eci", None))

        def _parse_sli(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        sli = _parse_sli(d.pop("sli", None))

        def _parse_version(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        version = _parse_version(d.pop("version", None))

        def _parse_xid(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        xid = _parse_xid(d.pop("xid", None))

        three_ds_data = cls(
            acs_transaction_id=acs_transaction_id,
            authentication_value=authentication_value,
            eci=eci,
            sli=sli,
            version=version,
            xid=xid,
        )

        three_ds_data.additional_properties = d
        return three_ds_data

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
