from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ValidationErrorMessage")


@_attrs_define
class ValidationErrorMessage:
    """Model for display validation error messages

    Attributes:
        errors (list[str] | None): List of errors
        field_name (str | None): Field name the error(s) are referring to
    """

    errors: list[str] | None = None
    field_name: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        errors: list[str] | None
        if self.errors is None:
            errors = None
        elif isinstance(self.errors, list):
            errors = self.errors

        else:
            errors = self.errors

        field_name: str | None
        if self.field_name is None:
            field_name = None
        else:
            field_name = self.field_name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if errors is not None:
            field_dict["errors"] = errors
        if field_name is not None:
            field_dict["fieldName"] = field_name

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_errors(data: object) -> list[str] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                errors_type_0 = cast(list[str], data)

                return errors_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None, data)

        errors = _parse_errors(d.pop("errors", None))

        def _parse_field_name(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        field_name = _parse_field_name(d.pop("fieldName", None))

        validation_error_message = cls(
            errors=errors,
            field_name=field_name,
        )

        validation_error_message.additional_properties = d
        return validation_error_message

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
