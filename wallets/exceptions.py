from mcp_payments.api.errors import ApplicationError, Conflict, InvalidRequest, NotFound


class InsufficientFunds(Conflict):
    code = "insufficient_funds"
    message = "The source has insufficient available funds for this amount."


class WalletFrozen(Conflict):
    code = "wallet_frozen"
    message = "This wallet is frozen and cannot send funds."


class LedgerLimitExceeded(Conflict):
    code = "ledger_limit_exceeded"
    message = "The entry would take an account beyond its balance limit."


class UnbalancedEntry(ApplicationError):
    type = "api_error"
    code = "unbalanced_entry"
    status = 500
    message = "A journal entry did not balance; nothing was posted."


class CurrencyMismatch(InvalidRequest):
    code = "currency_mismatch"
    message = "The currencies of the wallets and the amount must match."


class WalletNotFound(NotFound):
    message = "No such wallet."


class TransferNotFound(NotFound):
    message = "No such transfer."


class PayoutNotFound(NotFound):
    message = "No such payout."


class LedgerObjectNotFound(NotFound):
    message = "No such ledger object."


class SameWallet(InvalidRequest):
    code = "transfer_same_wallet"
    message = "Source and destination wallets must differ."


class TransferNotPending(Conflict):
    code = "transfer_not_pending"
    message = "Only a pending transfer can be posted or voided."


class AmountExceedsHold(InvalidRequest):
    code = "amount_exceeds_hold"
    message = "The amount to post exceeds the amount held."


class FeeExceedsAmount(InvalidRequest):
    code = "application_fee_exceeds_amount"
    message = "The application fee cannot exceed the amount transferred."


class WalletAlreadyInState(Conflict):
    code = "wallet_state_unchanged"


class PayoutNotCancelable(Conflict):
    code = "payout_not_cancelable"
    message = "Only a pending payout can be canceled."


class InvalidBankToken(InvalidRequest):
    code = "invalid_bank_token"
    message = "The destination must be a bank-account token (btok_...)."


class AdjustmentNotPending(Conflict):
    code = "adjustment_not_pending"
    message = "This adjustment was already decided."


class SelfApproval(ApplicationError):
    type = "permission_error"
    code = "maker_checker_violation"
    status = 403
    message = "An adjustment must be approved by a different staff member than its requester."


class BatchFailed(InvalidRequest):
    """An atomic transfer batch with a failing item: nothing applied; `results` (in the error)
    gives every item's outcome, `param` the first failing item (`transfers[i]`)."""

    code = "batch_failed"
