from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.network_token_scheme import NetworkTokenScheme

if TYPE_CHECKING:
    from ..models.card import Card
    from ..models.inline_gateway_account import InlineGatewayAccount
    from ..models.payer_details import PayerDetails


T = TypeVar("T", bound="ChargeRequest")


@_attrs_define
class ChargeRequest:
    """
    Attributes:
        amount (float): The amount to be charged (the amount should be in major units - for example, 10.23)
        card (Card): The card details that should be charged. You can either provide us with the raw card details or
            provide a reference to the stored card details in a token.
        currency (str): The currency of the transaction. Based on the <a
            href="https://en.wikipedia.org/wiki/ISO_4217#Active_codes" target="_blank">ISO 4217</a> standard.
        certificate_name (str | None): Optional parameter if the payment gateway requires authentication using a client
            certificate. The name of the certificate that was stored in our system via our <a
            href="https://portal.orchestrasolutions.com" target="_blank">users portal</a>
        is_digital (bool | None): This field is an additional optional parameter used by some of our payment processors.
            Please read our additional guidance section for payment processors that use this and other parameters
        my_ref (str | None): Your custom reference for this transaction
        network_token_brand (NetworkTokenScheme | None):
        order_desc (str | None): This field is an additional optional parameter used by some of our payment processors.
            Please read our additional guidance section for payment processors that use this and other parameters
        payer_details (PayerDetails | None): The billing information of the card owner
        payment_gateway_account (InlineGatewayAccount | None): The raw credentials necessary to connect to the chosen
            payment gateway as defined in `GET /PaymentGateway`.
            **Please note**, if you provide us with both the raw details here and a stored Payment Gateway Account in the
            `paymentGatewayAccountName` parameter, these credentials will take precedence.
        payment_gateway_account_name (str | None): The reference name provided to the stored Payment Gateway Account as
            set in `PUT /PaymentGatewayAccounts/{name}`.
            **Please note**, if you provide us with both this parameter and the raw credentials in the
            `paymentGatewayAccount` object, this parameter will be ignored and the raw credentials will take precedence.
    """

    amount: float
    card: Card
    currency: str
    certificate_name: str | None = None
    is_digital: bool | None = None
    my_ref: str | None = None
    network_token_brand: NetworkTokenScheme | None = None
    order_desc: str | None = None
    payer_details: PayerDetails | None = None
    payment_gateway_account: InlineGatewayAccount | None = None
    payment_gateway_account_name: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        card = self.card.to_dict()

        currency = self.currency

        certificate_name: str | None
        if self.certificate_name is None:
            certificate_name = None
        else:
            certificate_name = self.certificate_name

        is_digital = self.is_digital

        my_ref: str | None
        if self.my_ref is None:
            my_ref = None
        else:
            my_ref = self.my_ref

        network_token_brand: str | None = None
        if self.network_token_brand is not None:
            network_token_brand = self.network_token_brand.value

        order_desc: str | None
        if self.order_desc is None:
            order_desc = None
        else:
            order_desc = self.order_desc

        payer_details: dict[str, Any] | None = None
        if self.payer_details is not None:
            payer_details = self.payer_details.to_dict()

        payment_gateway_account: dict[str, Any] | None = None
        if self.payment_gateway_account is not None:
            payment_gateway_account = self.payment_gateway_account.to_dict()

        payment_gateway_account_name: str | None
        if self.payment_gateway_account_name is None:
            payment_gateway_account_name = None
        else:
            payment_gateway_account_name = self.payment_gateway_account_name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount": amount,
                "card": card,
                "currency": currency,
            }
        )
        if certificate_name is not None:
            field_dict["certificateName"] = certificate_name
        if is_digital is not None:
            field_dict["isDigital"] = is_digital
        if my_ref is not None:
            field_dict["myRef"] = my_ref
        if network_token_brand is not None:
            field_dict["networkTokenBrand"] = network_token_brand
        if order_desc is not None:
            field_dict["orderDesc"] = order_desc
        if payer_details is not None:
            field_dict["payerDetails"] = payer_details
        if payment_gateway_account is not None:
            field_dict["paymentGatewayAccount"] = payment_gateway_account
        if payment_gateway_account_name is not None:
            field_dict["paymentGatewayAccountName"] = payment_gateway_account_name

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.card import Card  # noqa: PLC0415
        from ..models.inline_gateway_account import InlineGatewayAccount  # noqa: PLC0415
        from ..models.payer_details import PayerDetails  # noqa: PLC0415

        d = dict(src_dict)
        amount = d.pop("amount")

        card = Card.from_dict(d.pop("card"))

        currency = d.pop("currency")

        def _parse_certificate_name(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        certificate_name = _parse_certificate_name(d.pop("certificateName", None))

        is_digital = d.pop("isDigital", None)

        def _parse_my_ref(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        my_ref = _parse_my_ref(d.pop("myRef", None))

        _network_token_brand = d.pop("networkTokenBrand", None)
        network_token_brand: NetworkTokenScheme | None
        if _network_token_brand is None:
            network_token_brand = None
        else:
            network_token_brand = NetworkTokenScheme(_network_token_brand)

        def _parse_order_desc(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        order_desc = _parse_order_desc(d.pop("orderDesc", None))

        _payer_details = d.pop("payerDetails", None)
        payer_details: PayerDetails | None
        if _payer_details is None:
            payer_details = None
        else:
            payer_details = PayerDetails.from_dict(_payer_details)

        _payment_gateway_account = d.pop("paymentGatewayAccount", None)
        payment_gateway_account: InlineGatewayAccount | None
        if _payment_gateway_account is None:
            payment_gateway_account = None
        else:
            payment_gateway_account = InlineGatewayAccount.from_dict(
                _payment_gateway_account
            )

        def _parse_payment_gateway_account_name(data: object) -> str | None:
            if data is None:
                return data
            return cast(str | None, data)

        payment_gateway_account_name = _parse_payment_gateway_account_name(
            d.pop("paymentGatewayAccountName", None)
        )

        charge_request = cls(
            amount=amount,
            card=card,
            currency=currency,
            certificate_name=certificate_name,
            is_digital=is_digital,
            my_ref=my_ref,
            network_token_brand=network_token_brand,
            order_desc=order_desc,
            payer_details=payer_details,
            payment_gateway_account=payment_gateway_account,
            payment_gateway_account_name=payment_gateway_account_name,
        )

        charge_request.additional_properties = d
        return charge_request

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
