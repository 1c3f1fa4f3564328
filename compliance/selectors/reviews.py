from django.db.models import QuerySet

from mcp_payments.accounts.context import AuthContext

from ..models import RiskReview


def risk_review_list(*, context: AuthContext, status: str | None = None) -> QuerySet[RiskReview]:
    """The caller's merchant's reviews (all of them for platform staff), newest first."""
    reviews = RiskReview.objects.all()
    if context.merchant is not None:
        reviews = reviews.filter(merchant_id=context.merchant.id)
    elif not context.is_platform_staff:
        reviews = reviews.none()
    return reviews.filter(status=status) if status else reviews
