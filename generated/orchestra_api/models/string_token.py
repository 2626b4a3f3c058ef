from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, redacted_repr

T = TypeVar("T", bound="StringToken")


@_attrs_define
class StringToken:
    """Model for display a string token, including the clear text

    Attributes:
        clear_payload (None | str | Unset): The content of the StringToken that was stored in our system
        create_time (datetime.datetime | Unset): Date and time the string was stored
        token (None | str | Unset): Token ID representing the stringToken
    """

    clear_payload: None | str | Unset = _attrs_field(default=UNSET, repr=redacted_repr)
    create_time: datetime.datetime | Unset = UNSET
    token: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        clear_payload: None | str | Unset
        if isinstance(self.clear_payload, Unset):
            clear_payload = UNSET
        else:
            clear_payload = self.clear_payload

        create_time: str | Unset = UNSET
        if not isinstance(self.create_time, Unset):
            create_time = self.create_time.isoformat()

        token: None | str | Unset
        if isinstance(self.token, Unset):
            token = UNSET
        else:
            token = self.token

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if clear_payload is not UNSET:
            field_dict["clearPayload"] = clear_payload
        if create_time is not UNSET:
            field_dict["createTime"] = create_time
        if token is not UNSET:
            field_dict["token"] = token

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_clear_payload(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        clear_payload = _parse_clear_payload(d.pop("clearPayload", UNSET))

        _create_time = d.pop("createTime", UNSET)
        create_time: datetime.datetime | Unset
        if isinstance(_create_time, Unset):
            create_time = UNSET
        else:
            create_time = datetime.datetime.fromisoformat(_create_time)

        def _parse_token(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        token = _parse_token(d.pop("token", UNSET))

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
