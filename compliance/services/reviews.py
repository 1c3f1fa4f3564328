"""Deciding risk reviews (the review queue of the back office and the API)."""

from django.db import transaction
from django.utils import timezone

from compliance.models import ReviewStatus, RiskReview
from mcp_payments.accounts.context import AuthContext
from mcp_payments.api.errors import Conflict, NotFound
from mcp_payments.audit.records import audit_record
from mcp_payments.events.services import emit


class ReviewAlreadyDecided(Conflict):
    code = "review_already_decided"
    message = "This review was already decided."


def risk_review_decide(
    *, context: AuthContext, review_id: str, approve: bool, note: str = ""
) -> RiskReview:
    """Approve or reject an open review; emits `risk.review_closed`; audited."""
    with transaction.atomic():
        reviews = RiskReview.objects.select_for_update()
        if context.merchant is not None:
            reviews = reviews.filter(merchant_id=context.merchant.id)
        review = reviews.filter(pk=review_id).first()
        if review is None:
            raise NotFound(f"No such review: '{review_id}'", param="id")
        if review.status != ReviewStatus.OPEN:
            raise ReviewAlreadyDecided()
        review.status = ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED
        review.decided_by = context.actor_id
        review.note = note
        review.decided_at = timezone.now()
        review.save(update_fields=["status", "decided_by", "note", "decided_at"])
        emit("risk.review_closed", review, merchant_id=review.merchant_id)
        audit_record(
            context=context,
            action=f"risk_review.{review.status}",
            object_type="risk_review",
            object_id=review.id,
            merchant_id=review.merchant_id,
            after={"status": review.status, "payment": review.object_id, "note": note},
        )
        return review
