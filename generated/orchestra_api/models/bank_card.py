from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.card_type import CardType
from ..types import UNSET, Unset, redacted_repr

T = TypeVar("T", bound="BankCard")


@_attrs_define
class BankCard:
    """
    Attributes:
        expiration_month (int | Unset):
        expiration_year (int | Unset):
        issue_number (None | str | Unset):
        name_on_card (None | str | Unset):
        number (None | str | Unset):
        owner_id (None | str | Unset):
        security_code (None | str | Unset):
        type_ (CardType | Unset):
    """

    expiration_month: int | Unset = UNSET
    expiration_year: int | Unset = UNSET
    issue_number: None | str | Unset = UNSET
    name_on_card: None | str | Unset = UNSET
    number: None | str | Unset = _attrs_field(default=UNSET, repr=redacted_repr)
    owner_id: None | str | Unset = UNSET
    security_code: None | str | Unset = _attrs_field(default=UNSET, repr=redacted_repr)
    type_: CardType | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        expiration_month = self.expiration_month

        expiration_year = self.expiration_year

        issue_number: None | str | Unset
        if isinstance(self.issue_number, Unset):
            issue_number = UNSET
        else:
            issue_number = self.issue_number

        name_on_card: None | str | Unset
        if isinstance(self.name_on_card, Unset):
            name_on_card = UNSET
        else:
            name_on_card = self.name_on_card

        number: None | str | Unset
        if isinstance(self.number, Unset):
            number = UNSET
        else:
            number = self.number

        owner_id: None | str | Unset
        if isinstance(self.owner_id, Unset):
            owner_id = UNSET
        else:
            owner_id = self.owner_id

        security_code: None | str | Unset
        if isinstance(self.security_code, Unset):
            security_code = UNSET
        else:
            security_code = self.security_code

        type_: str | Unset = UNSET
        if not isinstance(self.type_, Unset):
            type_ = self.type_.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if expiration_month is not UNSET:
            field_dict["expirationMonth"] = expiration_month
        if expiration_year is not UNSET:
            field_dict["expirationYear"] = expiration_year
        if issue_number is not UNSET:
            field_dict["issueNumber"] = issue_number
        if name_on_card is not UNSET:
            field_dict["nameOnCard"] = name_on_card
        if number is not UNSET:
            field_dict["number"] = number
        if owner_id is not UNSET:
            field_dict["ownerId"] = owner_id
        if security_code is not UNSET:
            field_dict["securityCode"] = security_code
        if type_ is not UNSET:
            field_dict["type"] = type_

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        expiration_month = d.pop("expirationMonth", UNSET)

        expiration_year = d.pop("expirationYear", UNSET)

        def _parse_issue_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        issue_number = _parse_issue_number(d.pop("issueNumber", UNSET))

        def _parse_name_on_card(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name_on_card = _parse_name_on_card(d.pop("nameOnCard", UNSET))

        def _parse_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        number = _parse_number(d.pop("number", UNSET))

        def _parse_owner_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        owner_id = _parse_owner_id(d.pop("ownerId", UNSET))

        def _parse_security_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        security_code = _parse_security_code(d.pop("securityCode", UNSET))

        _type_ = d.pop("type", UNSET)
        type_: CardType | Unset
        if isinstance(_type_, Unset):
            type_ = UNSET
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
