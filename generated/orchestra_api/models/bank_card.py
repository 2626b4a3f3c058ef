from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.card_type import CardType
from ..types import redacted_repr

T = TypeVar("T", bound="BankCard")


@_attrs_define
class BankCard:
    """
    Attributes:
        expiration_month (int | None):
        expiration_year (int | None):
        issue_number (str | None):
        name_on_card (str | None):
        number (str | None):
        owner_id (str | None):
        security_code (str | None):
        type_ (CardType | None):
    """

    expiration_month: int | None = None
    expiration_year: int | None = None
    issue_number: str | None = None
    name_on_card: str | None = None
    number: str | None = _attrs_field(default=None, repr=redacted_repr)
    owner_id: str | None = None
    security_code: str | None = _attrs_field(default=None, repr=redacted_repr)
    type_: CardType | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        expiration_month = self.expiration_month

        expiration_year = self.expiration_year

        issue_number: str | None
        if self.issue_number is None:
            issue_number = None
        else:
            issue_number = self.issue_number

        name_on_card: str | None
        if self.name_on_card is None:
            name_on_card = None
        else:
            name_on_card = self.name_on_card

        number: str | None
        if self.number is None:
            number = None
        else:
            number = self.number

        owner_id: str | None
        if self.owner_id is None:
            owner_id = None
        else:
            owner_id = self.owner_id

        security_code: str | None
        if self.security_code is None:
            security_code = None
        else:
            security_code = self.security_code

        type_: str | None = None
        if self.type_ is not None:
            type_ = self.type_.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if expiration_month is not None:
            field_dict["expirationMonth"] = expiration_month
        if expiration_year is not None:
            field_dict["expirationYear"] = expiration_year
        if issue_number is not None:
            field_dict["issueNumber"] = issue_number
        if name_on_card is not None:
            field_dict["nameOnCard"] = name_on_card
        if number is not None:
            field_dict["number"] = number
        if owner_id is not None:
            field_dict["ownerId"] = owner_id
        if security_code is not None:
            field_dict["securityCode"] = security_code
        if type_ is not None:
            field_dict["type"] = type_

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        expiration_month = d.pop("expirationMonth", None)

        expiration_year = d.pop("expirationYear", None)

        def _parse_issue_number(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        issue_number = _parse_issue_number(d.pop("issueNumber", None))

        def _parse_name_on_card(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        name_on_card = _parse_name_on_card(d.pop("nameOnCard", None))

        def _parse_number(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        number = _parse_number(d.pop("number", None))

        def _parse_owner_id(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        owner_id = _parse_owner_id(d.pop("ownerId", None))

        def _parse_security_code(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        security_code = _parse_security_code(d.pop("securityCode", None))

        _type_ = d.pop("type", None)
        type_: CardType | None
        if _type_ is None:
            type_ = None
        else:
            type_ = CardType(_type_)

        bank_card = cls(
            expiration_month=expiration_month,
            expiration_year=expiration_year,
            issue_number=issue_number,
            name_on_card=name_on_card,
            number=number,
            owner_id=owner_id,
            security_code=security_code,
            type_=type_,
        )

        bank_card.additional_properties = d
        return bank_card

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
