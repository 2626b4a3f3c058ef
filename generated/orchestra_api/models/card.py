from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.card_type import CardType
from ..types import redacted_repr

if TYPE_CHECKING:
    from ..models.three_ds_authentication import ThreeDSAuthentication


T = TypeVar("T", bound="Card")


@_attrs_define
class Card:
    """ The card details that should be charged. You can either provide us with the raw card details or provide a reference
    to the stored card details in a token.

        Attributes:
            card_holder_name (str): Cardholder name (as apears on card)
            card_number (str): Card number (PAN) or a Reference to a Tokenized string. A Token should be referenced in the
                format @TOKEN, e.g "@nQGywsQE9gbURtrXEjTZwtWqeMdK9nsO"
            expiration_month (int): Expiration month
            expiration_year (int): Expiration year
            card_type (CardType | None):
            cvv (str | None): Card security code (digits on back of card) or a Reference to a Tokenized string. A Token
                should be referenced in the format @TOKEN, e.g \\"@nQGywsQE9gbURtrXEjTZwtWqeMdK9nsO\\
            issue_number (str | None): Card Issue Number
            owner_id (str | None): Card owner Id
            three_ds_authentication (ThreeDSAuthentication | None): Model for 3DS authentication data
     """

    card_holder_name: str
    card_number: str = _attrs_field(repr=redacted_repr)
    expiration_month: int
    expiration_year: int
    card_type: CardType | None = None
    cvv: str | None = _attrs_field(default=None, repr=redacted_repr)
    issue_number: str | None = None
    owner_id: str | None = None
    three_ds_authentication: ThreeDSAuthentication | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        card_holder_name = self.card_holder_name

        card_number = self.card_number

        expiration_month = self.expiration_month

        expiration_year = self.expiration_year

        card_type: str | None = None
        if self.card_type is not None:
            card_type = self.card_type.value

        cvv: str | None
        if self.cvv is None:
            cvv = None
        else:
            cvv = self.cvv

        issue_number: str | None
        if self.issue_number is None:
            issue_number = None
        else:
            issue_number = self.issue_number

        owner_id: str | None
        if self.owner_id is None:
            owner_id = None
        else:
            owner_id = self.owner_id

        three_ds_authentication: dict[str, Any] | None = None
        if self.three_ds_authentication is not None:
            three_ds_authentication = self.three_ds_authentication.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "cardHolderName": card_holder_name,
                "cardNumber": card_number,
                "expirationMonth": expiration_month,
                "expirationYear": expiration_year,
            }
        )
        if card_type is not None:
            field_dict["cardType"] = card_type
        if cvv is not None:
            field_dict["cvv"] = cvv
        if issue_number is not None:
            field_dict["issueNumber"] = issue_number
        if owner_id is not None:
            field_dict["ownerID"] = owner_id
        if three_ds_authentication is not None:
            field_dict["threeDSAuthentication"] = three_ds_authentication

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.three_ds_authentication import ThreeDSAuthentication  # noqa: PLC0415

        d = dict(src_dict)
        card_holder_name = d.pop("cardHolderName")

        card_number = d.pop("cardNumber")

        expiration_month = d.pop("expirationMonth")

        expiration_year = d.pop("expirationYear")

        _card_type = d.pop("cardType", None)
        card_type: CardType | None
        if _card_type is None:
            card_type = None
        else:
            card_type = CardType(_card_type)

        def _parse_cvv(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        cvv = _parse_cvv(d.pop("cvv", None))

        def _parse_issue_number(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        issue_number = _parse_issue_number(d.pop("issueNumber", None))

        def _parse_owner_id(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        owner_id = _parse_owner_id(d.pop("ownerID", None))

        _three_ds_authentication = d.pop("threeDSAuthentication", None)
        three_ds_authentication: ThreeDSAuthentication | None
        if _three_ds_authentication is None:
            three_ds_authentication = None
        else:
            three_ds_authentication = ThreeDSAuthentication.from_dict(
                _three_ds_authentication
            )

        card = cls(
            card_holder_name=card_holder_name,
            card_number=card_number,
            expiration_month=expiration_month,
            expiration_year=expiration_year,
            card_type=card_type,
            cvv=cvv,
            issue_number=issue_number,
            owner_id=owner_id,
            three_ds_authentication=three_ds_authentication,
        )

        card.additional_properties = d
        return card

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
