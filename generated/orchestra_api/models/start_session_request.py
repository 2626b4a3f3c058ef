from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.card_type import CardType
from ..models.currency_code import CurrencyCode
from ..models.e_wallet_mode import EWalletMode
from ..models.e_wallet_operation import EWalletOperation

if TYPE_CHECKING:
    from ..models.fallback_gateway import FallbackGateway
    from ..models.stored_card import StoredCard


T = TypeVar("T", bound="StartSessionRequest")


@_attrs_define
class StartSessionRequest:
    """
    Attributes:
        allowed_brands (list[CardType] | None):
        allowede_wallet_account_ids (list[str] | None):
        amount (float | None):
        country_code (str | None):
        currency_code (CurrencyCode | None):
        customer_email (str | None):
        customer_name (str | None):
        customer_phone (str | None):
        fallback_upgs (list[FallbackGateway] | None):
        mode (EWalletMode | None):
        operation (EWalletOperation | None):
        payment_gateway_account_id (str | None):
        payment_note (str | None):
        public_key (str | None):
        stored_cards (list[StoredCard] | None):
    """

    allowed_brands: list[CardType] | None = None
    allowede_wallet_account_ids: list[str] | None = None
    amount: float | None = None
    country_code: str | None = None
    currency_code: CurrencyCode | None = None
    customer_email: str | None = None
    customer_name: str | None = None
    customer_phone: str | None = None
    fallback_upgs: list[FallbackGateway] | None = None
    mode: EWalletMode | None = None
    operation: EWalletOperation | None = None
    payment_gateway_account_id: str | None = None
    payment_note: str | None = None
    public_key: str | None = None
    stored_cards: list[StoredCard] | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        allowed_brands: list[str] | None
        if self.allowed_brands is None:
            allowed_brands = None
        elif isinstance(self.allowed_brands, list):
            allowed_brands = []
            for allowed_brands_type_0_item_data in self.allowed_brands:
                allowed_brands_type_0_item = allowed_brands_type_0_item_data.value

                allowed_brands.append(allowed_brands_type_0_item)

        else:
            allowed_brands = self.allowed_brands

        allowede_wallet_account_ids: list[str] | None
        if self.allowede_wallet_account_ids is None:
            allowede_wallet_account_ids = None
        elif isinstance(self.allowede_wallet_account_ids, list):
            allowede_wallet_account_ids = self.allowede_wallet_account_ids

        else:
            allowede_wallet_account_ids = self.allowede_wallet_account_ids

        amount = self.amount

        country_code: str | None
        if self.country_code is None:
            country_code = None
        else:
            country_code = self.country_code

        currency_code: str | None = None
        if self.currency_code is not None:
            currency_code = self.currency_code.value

        customer_email: str | None
        if self.customer_email is None:
            customer_email = None
        else:
            customer_email = self.customer_email

        customer_name: str | None
        if self.customer_name is None:
            customer_name = None
        else:
            customer_name = self.customer_name

        customer_phone: str | None
        if self.customer_phone is None:
            customer_phone = None
        else:
            customer_phone = self.customer_phone

        fallback_upgs: list[dict[str, Any]] | None
        if self.fallback_upgs is None:
            fallback_upgs = None
        elif isinstance(self.fallback_upgs, list):
            fallback_upgs = []
            for fallback_upgs_type_0_item_data in self.fallback_upgs:
                fallback_upgs_type_0_item = fallback_upgs_type_0_item_data.to_dict()

                fallback_upgs.append(fallback_upgs_type_0_item)

        else:
            fallback_upgs = self.fallback_upgs

        mode: str | None = None
        if self.mode is not None:
            mode = self.mode.value

        operation: str | None = None
        if self.operation is not None:
            operation = self.operation.value

        payment_gateway_account_id: str | None
        if self.payment_gateway_account_id is None:
            payment_gateway_account_id = None
        else:
            payment_gateway_account_id = self.payment_gateway_account_id

        payment_note: str | None
        if self.payment_note is None:
            payment_note = None
        else:
            payment_note = self.payment_note

        public_key: str | None
        if self.public_key is None:
            public_key = None
        else:
            public_key = self.public_key

        stored_cards: list[dict[str, Any]] | None
        if self.stored_cards is None:
            stored_cards = None
        elif isinstance(self.stored_cards, list):
            stored_cards = []
            for stored_cards_type_0_item_data in self.stored_cards:
                stored_cards_type_0_item = stored_cards_type_0_item_data.to_dict()

                stored_cards.append(stored_cards_type_0_item)

        else:
            stored_cards = self.stored_cards

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if allowed_brands is not None:
            field_dict["allowedBrands"] = allowed_brands
        if allowede_wallet_account_ids is not None:
            field_dict["allowedeWalletAccountIds"] = allowede_wallet_account_ids
        if amount is not None:
            field_dict["amount"] = amount
        if country_code is not None:
            field_dict["countryCode"] = country_code
        if currency_code is not None:
            field_dict["currencyCode"] = currency_code
        if customer_email is not None:
            field_dict["customerEmail"] = customer_email
        if customer_name is not None:
            field_dict["customerName"] = customer_name
        if customer_phone is not None:
            field_dict["customerPhone"] = customer_phone
        if fallback_upgs is not None:
            field_dict["fallbackUpgs"] = fallback_upgs
        if mode is not None:
            field_dict["mode"] = mode
        if operation is not None:
            field_dict["operation"] = operation
        if payment_gateway_account_id is not None:
            field_dict["paymentGatewayAccountId"] = payment_gateway_account_id
        if payment_note is not None:
            field_dict["paymentNote"] = payment_note
        if public_key is not None:
            field_dict["publicKey"] = public_key
        if stored_cards is not None:
            field_dict["storedCards"] = stored_cards

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.fallback_gateway import FallbackGateway  # noqa: PLC0415
        from ..models.stored_card import StoredCard  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_allowed_brands(data: object) -> list[CardType] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                allowed_brands_type_0 = []
                _allowed_brands_type_0 = data
                for allowed_brands_type_0_item_data in _allowed_brands_type_0:
                    allowed_brands_type_0_item = CardType(
                        allowed_brands_type_0_item_data
                    )

                    allowed_brands_type_0.append(allowed_brands_type_0_item)

                return allowed_brands_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[CardType] | None, data)

        allowed_brands = _parse_allowed_brands(d.pop("allowedBrands", None))

        def _parse_allowede_wallet_account_ids(data: object) -> list[str] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                allowede_wallet_account_ids_type_0 = cast(list[str], data)

                return allowede_wallet_account_ids_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None, data)

        allowede_wallet_account_ids = _parse_allowede_wallet_account_ids(
            d.pop("allowedeWalletAccountIds", None)
        )

        amount = d.pop("amount", None)

        def _parse_country_code(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        country_code = _parse_country_code(d.pop("countryCode", None))

        _currency_code = d.pop("currencyCode", None)
        currency_code: CurrencyCode | None
        if _currency_code is None:
            currency_code = None
        else:
            currency_code = CurrencyCode(_currency_code)

        def _parse_customer_email(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        customer_email = _parse_customer_email(d.pop("customerEmail", None))

        def _parse_customer_name(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        customer_name = _parse_customer_name(d.pop("customerName", None))

        def _parse_customer_phone(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        customer_phone = _parse_customer_phone(d.pop("customerPhone", None))

        def _parse_fallback_upgs(data: object) -> list[FallbackGateway] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                fallback_upgs_type_0 = []
                _fallback_upgs_type_0 = data
                for fallback_upgs_type_0_item_data in _fallback_upgs_type_0:
                    fallback_upgs_type_0_item = FallbackGateway.from_dict(
                        fallback_upgs_type_0_item_data
                    )

                    fallback_upgs_type_0.append(fallback_upgs_type_0_item)

                return fallback_upgs_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[FallbackGateway] | None, data)

        fallback_upgs = _parse_fallback_upgs(d.pop("fallbackUpgs", None))

        _mode = d.pop("mode", None)
        mode: EWalletMode | None
        if _mode is None:
            mode = None
        else:
            mode = EWalletMode(_mode)

        _operation = d.pop("operation", None)
        operation: EWalletOperation | None
        if _operation is None:
            operation = None
        else:
            operation = EWalletOperation(_operation)

        def _parse_payment_gateway_account_id(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        payment_gateway_account_id = _parse_payment_gateway_account_id(
            d.pop("paymentGatewayAccountId", None)
        )

        def _parse_payment_note(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        payment_note = _parse_payment_note(d.pop("paymentNote", None))

        def _parse_public_key(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        public_key = _parse_public_key(d.pop("publicKey", None))

        def _parse_stored_cards(data: object) -> list[StoredCard] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                stored_cards_type_0 = []
                _stored_cards_type_0 = data
                for stored_cards_type_0_item_data in _stored_cards_type_0:
                    stored_cards_type_0_item = StoredCard.from_dict(
                        stored_cards_type_0_item_data
                    )

                    stored_cards_type_0.append(stored_cards_type_0_item)

                return stored_cards_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[StoredCard] | None, data)

        stored_cards = _parse_stored_cards(d.pop("storedCards", None))

        start_session_request = cls(
            allowed_brands=allowed_brands,
            allowede_wallet_account_ids=allowede_wallet_account_ids,
            amount=amount,
            country_code=country_code,
            currency_code=currency_code,
            customer_email=customer_email,
            customer_name=customer_name,
            customer_phone=customer_phone,
            fallback_upgs=fallback_upgs,
            mode=mode,
            operation=operation,
            payment_gateway_account_id=payment_gateway_account_id,
            payment_note=payment_note,
            public_key=public_key,
            stored_cards=stored_cards,
        )

        start_session_request.additional_properties = d
        return start_session_request

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
