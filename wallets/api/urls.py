from django.urls import path

from . import views

urlpatterns = [
    path("wallets", views.WalletListView.as_view()),
    path("wallets/<str:wallet_id>", views.WalletDetailView.as_view()),
    path("wallets/<str:wallet_id>/freeze", views.WalletFreezeView.as_view()),
    path("wallets/<str:wallet_id>/unfreeze", views.WalletUnfreezeView.as_view()),
    path("wallets/<str:wallet_id>/transactions", views.WalletTransactionsView.as_view()),
    path("transfers", views.TransferListView.as_view()),
    path("transfers/batch", views.TransferBatchView.as_view()),
    path("transfers/<str:transfer_id>", views.TransferDetailView.as_view()),
    path("transfers/<str:transfer_id>/post", views.TransferPostView.as_view()),
    path("transfers/<str:transfer_id>/void", views.TransferVoidView.as_view()),
    path("payouts", views.PayoutListView.as_view()),
    path("payouts/<str:payout_id>", views.PayoutDetailView.as_view()),
    path("payouts/<str:payout_id>/cancel", views.PayoutCancelView.as_view()),
    path("ledger/accounts", views.LedgerAccountListView.as_view()),
    path("ledger/accounts/<str:account_id>", views.LedgerAccountDetailView.as_view()),
    path("ledger/entries", views.JournalEntryListView.as_view()),
    path("ledger/entries/<str:entry_id>", views.JournalEntryDetailView.as_view()),
    path("ledger/trial_balance", views.TrialBalanceView.as_view()),
    path("balance", views.MerchantBalanceView.as_view()),
    path("balance_transactions", views.BalanceTransactionListView.as_view()),
]
