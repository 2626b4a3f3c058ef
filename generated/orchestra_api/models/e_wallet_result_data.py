from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.direct_charge_results import DirectChargeResults
    from ..models.operation_result import OperationResult
    from ..models.token_and_masked_card import TokenAndMaskedCard


T = TypeVar("T", bound="EWalletResultData")


@_attrs_define
class EWalletResultData:
    """
    Attributes:
        direct_charge_results (DirectChargeResults | None):
        failed_upg_charge_results (list[OperationResult] | None):
        token_and_masked_card_model (TokenAndMaskedCard | None):
        upg_charge_results (OperationResult | None):
    """

    direct_charge_results: DirectChargeResults | None = None
    failed_upg_charge_results: list[OperationResult] | None = None
    token_and_masked_card_model: TokenAndMaskedCard | None = None
    upg_charge_results: OperationResult | None = None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        direct_charge_results: dict[str, Any] | None = None
        if self.direct_charge_results is not None:
            direct_charge_results = self.direct_charge_results.to_dict()

        failed_upg_charge_results: list[dict[str, Any]] | None
        if self.failed_upg_charge_results is None:
            failed_upg_charge_results = None
        elif isinstance(self.failed_upg_charge_results, list):
            failed_upg_charge_results = []
            for (
                failed_upg_charge_results_type_0_item_data
            ) in self.failed_upg_charge_results:
                failed_upg_charge_results_type_0_item = (
                    failed_upg_charge_results_type_0_item_data.to_dict()
                )

                failed_upg_charge_results.append(failed_upg_charge_results_type_0_item)

        else:
            failed_upg_charge_results = self.failed_upg_charge_results

        token_and_masked_card_model: dict[str, Any] | None = None
        if self.token_and_masked_card_model is not None:
            token_and_masked_card_model = self.token_and_masked_card_model.to_dict()

        upg_charge_results: dict[str, Any] | None = None
        if self.upg_charge_results is not None:
            upg_charge_results = self.upg_charge_results.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if direct_charge_results is not None:
            field_dict["directChargeResults"] = direct_charge_results
        if failed_upg_charge_results is not None:
            field_dict["failedUpgChargeResults"] = failed_upg_charge_results
        if token_and_masked_card_model is not None:
            field_dict["tokenAndMaskedCardModel"] = token_and_masked_card_model
        if upg_charge_results is not None:
            field_dict["upgChargeResults"] = upg_charge_results

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.direct_charge_results import DirectChargeResults  # noqa: PLC0415
        from ..models.operation_result import OperationResult  # noqa: PLC0415
        from ..models.token_and_masked_card import TokenAndMaskedCard  # noqa: PLC0415

        d = dict(src_dict)
        _direct_charge_results = d.pop("directChargeResults", None)
        direct_charge_results: DirectChargeResults | None
        if _direct_charge_results is None:
            direct_charge_results = None
        else:
            direct_charge_results = DirectChargeResults.from_dict(
                _direct_charge_results
            )

        def _parse_failed_upg_charge_results(
            data: object,
        ) -> list[OperationResult] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                failed_upg_charge_results_type_0 = []
                _failed_upg_charge_results_type_0 = data
                for (
                    failed_upg_charge_results_type_0_item_data
                ) in _failed_upg_charge_results_type_0:
                    failed_upg_charge_results_type_0_item = OperationResult.from_dict(
                        failed_upg_charge_results_type_0_item_data
                    )

                    failed_upg_charge_results_type_0.append(
                        failed_upg_charge_results_type_0_item
                    )

                return failed_upg_charge_results_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[OperationResult] | None, data)

        failed_upg_charge_results = _parse_failed_upg_charge_results(
            d.pop("failedUpgChargeResults", None)
        )

        _token_and_masked_card_model = d.pop("tokenAndMaskedCardModel", None)
        token_and_masked_card_model: TokenAndMaskedCard | None
        if _token_and_masked_card_model is None:
            token_and_masked_card_model = None
        else:
            token_and_masked_card_model = TokenAndMaskedCard.from_dict(
                _token_and_masked_card_model
            )

        _upg_charge_results = d.pop("upgChargeResults", None)
        upg_charge_results: OperationResult | None
        if _upg_charge_results is None:
            upg_charge_results = None
        else:
            upg_charge_results = OperationResult.from_dict(_upg_charge_results)

        e_wallet_result_data = cls(
            direct_charge_results=direct_charge_results,
            failed_upg_charge_results=failed_upg_charge_results,
            token_and_masked_card_model=token_and_masked_card_model,
            upg_charge_results=upg_charge_results,
        )

        e_wallet_result_data.additional_properties = d
        return e_wallet_result_data

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
