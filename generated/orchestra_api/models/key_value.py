from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import redacted_repr

T = TypeVar("T", bound="KeyValue")


@_attrs_define
class KeyValue:
    """A helper class

    Attributes:
        key (str | None): Key
        value (str | None): Value
    """

    key: str | None = None
    value: str | None = _attrs_field(default=None, repr=redacted_repr)
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        key: str | None
        if self.key is None:
            key = None
        else:
            key = self.key

        value: str | None
        if self.value is None:
            value = None
        else:
            value = self.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if key is not None:
            field_dict["key"] = key
        if value is not None:
            field_dict["value"] = value

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_key(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        key = _parse_key(d.pop("key", None))

        def _parse_value(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        value = _parse_value(d.pop("value", None))

        key_value = cls(
            key=key,
            value=value,
        )

        key_value.additional_properties = d
        return key_value

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
