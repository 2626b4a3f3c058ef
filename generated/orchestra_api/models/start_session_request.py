from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.card_type import CardType
from ..models.currency_code import CurrencyCode
from ..models.e_wallet_mode import EWalletMode
from ..models.e_wallet_operation import EWalletOperation
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.fallback_gateway import FallbackGateway
    from ..models.stored_card import StoredCard


T = TypeVar("T", bound="StartSessionRequest")


@_attrs_define
class StartSessionRequest:
    """
    Attributes:
        allowed_brands (list[CardType] | None | Unset):
        allowede_wallet_account_ids (list[str] | None | Unset):
        amount (float | Unset):
        country_code (None | str | Unset):
        currency_code (CurrencyCode | Unset):
        customer_email (None | str | Unset):
        customer_name (None | str | Unset):
        customer_phone (None | str | Unset):
        fallback_upgs (list[FallbackGateway] | None | Unset):
        mode (EWalletMode | Unset):
        operation (EWalletOperation | Unset):
        payment_gateway_account_id (None | str | Unset):
        payment_note (None | str | Unset):
        public_key (None | str | Unset):
        stored_cards (list[StoredCard] | None | Unset):
    """

    allowed_brands: list[CardType] | None | Unset = UNSET
    allowede_wallet_account_ids: list[str] | None | Unset = UNSET
    amount: float | Unset = UNSET
    country_code: None | str | Unset = UNSET
    currency_code: CurrencyCode | Unset = UNSET
    customer_email: None | str | Unset = UNSET
    customer_name: None | str | Unset = UNSET
    customer_phone: None | str | Unset = UNSET
    fallback_upgs: list[FallbackGateway] | None | Unset = UNSET
    mode: EWalletMode | Unset = UNSET
    operation: EWalletOperation | Unset = UNSET
    payment_gateway_account_id: None | str | Unset = UNSET
    payment_note: None | str | Unset = UNSET
    public_key: None | str | Unset = UNSET
    stored_cards: list[StoredCard] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        allowed_brands: list[str] | None | Unset
        if isinstance(self.allowed_brands, Unset):
            allowed_brands = UNSET
        elif isinstance(self.allowed_brands, list):
            allowed_brands = []
            for allowed_brands_type_0_item_data in self.allowed_brands:
                allowed_brands_type_0_item = allowed_brands_type_0_item_data.value
                allowed_brands.append(allowed_brands_type_0_item)

        else:
            allowed_brands = self.allowed_brands

        allowede_wallet_account_ids: list[str] | None | Unset
        if isinstance(self.allowede_wallet_account_ids, Unset):
            allowede_wallet_account_ids = UNSET
        elif isinstance(self.allowede_wallet_account_ids, list):
            allowede_wallet_account_ids = self.allowede_wallet_account_ids

        else:
            allowede_wallet_account_ids = self.allowede_wallet_account_ids

        amount = self.amount

        country_code: None | str | Unset
        if isinstance(self.country_code, Unset):
            country_code = UNSET
        else:
            country_code = self.country_code

        currency_code: str | Unset = UNSET
        if not isinstance(self.currency_code, Unset):
            currency_code = self.currency_code.value

        customer_email: None | str | Unset
        if isinstance(self.customer_email, Unset):
            customer_email = UNSET
        else:
            customer_email = self.customer_email

        customer_name: None | str | Unset
        if isinstance(self.customer_name, Unset):
            customer_name = UNSET
        else:
            customer_name = self.customer_name

        customer_phone: None | str | Unset
        if isinstance(self.customer_phone, Unset):
            customer_phone = UNSET
        else:
            customer_phone = self.customer_phone

        fallback_upgs: list[dict[str, Any]] | None | Unset
        if isinstance(self.fallback_upgs, Unset):
            fallback_upgs = UNSET
        elif isinstance(self.fallback_upgs, list):
            fallback_upgs = []
            for fallback_upgs_type_0_item_data in self.fallback_upgs:
                fallback_upgs_type_0_item = fallback_upgs_type_0_item_data.to_dict()
                fallback_upgs.append(fallback_upgs_type_0_item)

        else:
            fallback_upgs = self.fallback_upgs

        mode: str | Unset = UNSET
        if not isinstance(self.mode, Unset):
            mode = self.mode.value

        operation: str | Unset = UNSET
        if not isinstance(self.operation, Unset):
            operation = self.operation.value

        payment_gateway_account_id: None | str | Unset
        if isinstance(self.payment_gateway_account_id, Unset):
            payment_gateway_account_id = UNSET
        else:
            payment_gateway_account_id = self.payment_gateway_account_id

        payment_note: None | str | Unset
        if isinstance(self.payment_note, Unset):
            payment_note = UNSET
        else:
            payment_note = self.payment_note

        public_key: None | str | Unset
        if isinstance(self.public_key, Unset):
            public_key = UNSET
        else:
            public_key = self.public_key

        stored_cards: list[dict[str, Any]] | None | Unset
        if isinstance(self.stored_cards, Unset):
            stored_cards = UNSET
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
        if allowed_brands is not UNSET:
            field_dict["allowedBrands"] = allowed_brands
        if allowede_wallet_account_ids is not UNSET:
            field_dict["allowedeWalletAccountIds"] = allowede_wallet_account_ids
        if amount is not UNSET:
            field_dict["amount"] = amount
        if country_code is not UNSET:
            field_dict["countryCode"] = country_code
        if currency_code is not UNSET:
            field_dict["currencyCode"] = currency_code
        if customer_email is not UNSET:
            field_dict["customerEmail"] = customer_email
        if customer_name is not UNSET:
            field_dict["customerName"] = customer_name
        if customer_phone is not UNSET:
            field_dict["customerPhone"] = customer_phone
        if fallback_upgs is not UNSET:
            field_dict["fallbackUpgs"] = fallback_upgs
        if mode is not UNSET:
            field_dict["mode"] = mode
        if operation is not UNSET:
            field_dict["operation"] = operation
        if payment_gateway_account_id is not UNSET:
            field_dict["paymentGatewayAccountId"] = payment_gateway_account_id
        if payment_note is not UNSET:
            field_dict["paymentNote"] = payment_note
        if public_key is not UNSET:
            field_dict["publicKey"] = public_key
        if stored_cards is not UNSET:
            field_dict["storedCards"] = stored_cards

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.fallback_gateway import FallbackGateway  # noqa: PLC0415
        from ..models.stored_card import StoredCard  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_allowed_brands(data: object) -> list[CardType] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
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
            return cast(list[CardType] | None | Unset, data)

        allowed_brands = _parse_allowed_brands(d.pop("allowedBrands", UNSET))

        def _parse_allowede_wallet_account_ids(
            data: object,
        ) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                allowede_wallet_account_ids_type_0 = cast(list[str], data)

                return allowede_wallet_account_ids_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        allowede_wallet_account_ids = _parse_allowede_wallet_account_ids(
            d.pop("allowedeWalletAccountIds", UNSET)
        )

        amount = d.pop("amount", UNSET)

        def _parse_country_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        country_code = _parse_country_code(d.pop("countryCode", UNSET))

        _currency_code = d.pop("currencyCode", UNSET)
        currency_code: CurrencyCode | Unset
        if isinstance(_currency_code, Unset):
            currency_code = UNSET
        else:
            currency_code = CurrencyCode(_currency_code)

        def _parse_customer_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        customer_email = _parse_customer_email(d.pop("customerEmail", UNSET))

        def _parse_customer_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        customer_name = _parse_customer_name(d.pop("customerName", UNSET))

        def _parse_customer_phone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        customer_phone = _parse_customer_phone(d.pop("customerPhone", UNSET))

        def _parse_fallback_upgs(data: object) -> list[FallbackGateway] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
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
            return cast(list[FallbackGateway] | None | Unset, data)

        fallback_upgs = _parse_fallback_upgs(d.pop("fallbackUpgs", UNSET))

        _mode = d.pop("mode", UNSET)
        mode: EWalletMode | Unset
        if isinstance(_mode, Unset):
            mode = UNSET
        else:
            mode = EWalletMode(_mode)

        _operation = d.pop("operation", UNSET)
        operation: EWalletOperation | Unset
        if isinstance(_operation, Unset):
            operation = UNSET
        else:
            operation = EWalletOperation(_operation)

        def _parse_payment_gateway_account_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        payment_gateway_account_id = _parse_payment_gateway_account_id(
            d.pop("paymentGatewayAccountId", UNSET)
        )

        def _parse_payment_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        payment_note = _parse_payment_note(d.pop("paymentNote", UNSET))

        def _parse_public_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        public_key = _parse_public_key(d.pop("publicKey", UNSET))

        def _parse_stored_cards(data: object) -> list[StoredCard] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
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
            return cast(list[StoredCard] | None | Unset, data)

        stored_cards = _parse_stored_cards(d.pop("storedCards", UNSET))

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
