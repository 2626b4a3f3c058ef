from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import redacted_repr

T = TypeVar("T", bound="StringToken")


@_attrs_define
class StringToken:
    """Model for display a string token, including the clear text

    Attributes:
        clear_payload (str | None): The content of the StringToken that was stored in our system
        create_time (datetime.datetime | None): Date and time the string was stored
        token (str | None): Token ID representing the stringToken
    """

    clear_payload: str | None = _attrs_field(default=None, repr=redacted_repr)
    create_time: datetime.datetime | None = None
    token: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        clear_payload: str | None
        if self.clear_payload is None:
            clear_payload = None
        else:
            clear_payload = self.clear_payload

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
        if clear_payload is not None:
            field_dict["clearPayload"] = clear_payload
        if create_time is not None:
            field_dict["createTime"] = create_time
        if token is not None:
            field_dict["token"] = token

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_clear_payload(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        clear_payload = _parse_clear_payload(d.pop("clearPayload", None))

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

        string_token = cls(
            clear_payload=clear_payload,
            create_time=create_time,
            token=token,
        )

        string_token.additional_properties = d
        return string_token

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
