from django.db import models


class AccountType(models.TextChoices):
    ASSET = "asset"
    LIABILITY = "liability"
    REVENUE = "revenue"
    EXPENSE = "expense"
    EQUITY = "equity"


DEBIT_NORMAL = frozenset({AccountType.ASSET, AccountType.EXPENSE})


class PostingType(models.TextChoices):
    POSTED = "posted"  # moves the posted balance
    PENDING = "pending"  # a hold: moves the pending balance
    RELEASE = "release"  # undoes (part of) a hold's pending amounts when it is posted or voided


class WalletStatus(models.TextChoices):
    ACTIVE = "active"
    FROZEN = "frozen"


class TransferStatus(models.TextChoices):
    PENDING = "pending"
    POSTED = "posted"
    VOIDED = "voided"


class PayoutStatus(models.TextChoices):
    PENDING = "pending"  # cancelable
    IN_TRANSIT = "in_transit"  # handed to the bank rail
    PAID = "paid"
    FAILED = "failed"
    CANCELED = "canceled"


class AdjustmentStatus(models.TextChoices):
    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"
    REJECTED = "rejected"


class AdjustmentDirection(models.TextChoices):
    CREDIT = "credit"  # funds the wallet
    DEBIT = "debit"  # takes funds back
