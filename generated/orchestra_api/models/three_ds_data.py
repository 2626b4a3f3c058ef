from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, redacted_repr

T = TypeVar("T", bound="ThreeDSData")


@_attrs_define
class ThreeDSData:
    """
    Attributes:
        acs_transaction_id (None | str | Unset):
        authentication_value (None | str | Unset):
        eci (None | str | Unset):
        sli (None | str | Unset):
        version (None | str | Unset):
        xid (None | str | Unset):
    """

    acs_transaction_id: None | str | Unset = UNSET
    authentication_value: None | str | Unset = _attrs_field(
        default=UNSET, repr=redacted_repr
    )
    eci: None | str | Unset = UNSET
    sli: None | str | Unset = UNSET
    version: None | str | Unset = UNSET
    xid: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        acs_transaction_id: None | str | Unset
        if isinstance(self.acs_transaction_id, Unset):
            acs_transaction_id = UNSET
        else:
            acs_transaction_id = self.acs_transaction_id

        authentication_value: None | str | Unset
        if isinstance(self.authentication_value, Unset):
            authentication_value = UNSET
        else:
            authentication_value = self.authentication_value

        eci: None | str | Unset
        if isinstance(self.eci, Unset):
            eci = UNSET
        else:
            eci = self.eci

        sli: None | str | Unset
        if isinstance(self.sli, Unset):
            sli = UNSET
        else:
            sli = self.sli

        version: None | str | Unset
        if isinstance(self.version, Unset):
            version = UNSET
        else:
            version = self.version

        xid: None | str | Unset
        if isinstance(self.xid, Unset):
            xid = UNSET
        else:
            xid = self.xid

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if acs_transaction_id is not UNSET:
            field_dict["acsTransactionId"] = acs_transaction_id
        if authentication_value is not UNSET:
            field_dict["authenticationValue"] = authentication_value
        if eci is not UNSET:
            field_dict["eci"] = eci
        if sli is not UNSET:
            field_dict["sli"] = sli
        if version is not UNSET:
            field_dict["version"] = version
        if xid is not UNSET:
            field_dict["xid"] = xid

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_acs_transaction_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        acs_transaction_id = _parse_acs_transaction_id(d.pop("acsTransactionId", UNSET))

        def _parse_authentication_value(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        authentication_value = _parse_authentication_value(
            d.pop("authenticationValue", UNSET)
        )

        def _parse_eci(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        eci = _parse_eci(d.pop("eci", UNSET))

        def _parse_sli(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        sli = _parse_sli(d.pop("sli", UNSET))

        def _parse_version(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        version = _parse_version(d.pop("version", UNSET))

        def _parse_xid(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        xid = _parse_xid(d.pop("xid", UNSET))

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
