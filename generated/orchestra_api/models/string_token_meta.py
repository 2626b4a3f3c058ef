from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="StringTokenMeta")


@_attrs_define
class StringTokenMeta:
    """Model for display a string token meta-data

    Attributes:
        create_time (datetime.datetime | None): Date and time the string was stored
        token (str | None): Token ID representing the stringToken
    """

    create_time: datetime.datetime | None = None
    token: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        create_time: str | None = None
        if self.create_time is not None:
            create_time = self.create_time.isoformat()

        token: str | None
        if self.token is None:
            token = None
        else:
            token = self.token

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if create_time is not None:
            field_dict["createTime"] = create_time
        if token is not None:
            field_dict["token"] = token

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _create_time = d.pop("createTime", None)
        create_time: datetime.datetime | None
        if _create_time is None:
            create_time = None
        else:
            create_time = datetime.datetime.fromisoformat(_create_time)

        def _parse_token(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        token = _parse_token(d.pop("token", None))

        string_token_meta = cls(
            create_time=create_time,
            token=token,
        )

        string_token_meta.additional_properties = d
        return string_token_meta

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
