from django.apps import AppConfig


class WalletsConfig(AppConfig):
    name = "wallets"
    verbose_name = "Ledger and wallets"

    def ready(self) -> None:
        from mcp_payments.events.representations import register_representation

        from . import representations
        from .models import Adjustment, Payout, Transfer, Wallet

        register_representation(Wallet, representations.WalletSerializer)
        register_representation(Transfer, representations.TransferSerializer)
        register_representation(Payout, representations.PayoutSerializer)
        register_representation(Adjustment, representations.AdjustmentSerializer)

        from mcp_payments.agents.operations import register_operation

        from .api.views import transfer_batch_response

        register_operation("create_transfer_batch", transfer_batch_response)
