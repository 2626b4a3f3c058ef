from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AuthenticationResult")


@_attrs_define
class AuthenticationResult:
    """Model for display authentication results

    Attributes:
        account_id (int | None): Account Id
        is_sandbox (bool | None): Is this a sandbox user
        status (str | None): Status
        user_name (str | None): Username
    """

    account_id: int | None = None
    is_sandbox: bool | None = None
    status: str | None = None
    user_name: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account_id = self.account_id

        is_sandbox = self.is_sandbox

        status: str | None
        if self.status is None:
            status = None
        else:
            status = self.status

        user_name: str | None
        if self.user_name is None:
            user_name = None
        else:
            user_name = self.user_name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if account_id is not None:
            field_dict["accountId"] = account_id
        if is_sandbox is not None:
            field_dict["isSandbox"] = is_sandbox
        if status is not None:
            field_dict["status"] = status
        if user_name is not None:
            field_dict["userName"] = user_name

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        account_id = d.pop("accountId", None)

        is_sandbox = d.pop("isSandbox", None)

        def _parse_status(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        status = _parse_status(d.pop("status", None))

        def _parse_user_name(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        user_name = _parse_user_name(d.pop("userName", None))

        authentication_result = cls(
            account_id=account_id,
            is_sandbox=is_sandbox,
            status=status,
            user_name=user_name,
        )

        authentication_result.additional_properties = d
        return authentication_result

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
