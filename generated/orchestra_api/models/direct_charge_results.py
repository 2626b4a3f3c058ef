from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="DirectChargeResults")


@_attrs_define
class DirectChargeResults:
    """
    Attributes:
        data (Any | None):
        message (str | None):
        success (bool | None):
    """

    data: Any | None = None
    message: str | None = None
    success: bool | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = self.data

        message: str | None
        if self.message is None:
            message = None
        else:
            message = self.message

        success = self.success

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if data is not None:
            field_dict["data"] = data
        if message is not None:
            field_dict["message"] = message
        if success is not None:
            field_dict["success"] = success

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        data = d.pop("data", None)

        def _parse_message(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        message = _parse_message(d.pop("message", None))

        success = d.pop("success", None)

        direct_charge_results = cls(
            data=data,
            message=message,
            success=success,
        )

        direct_charge_results.additional_properties = d
        return direct_charge_results

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
