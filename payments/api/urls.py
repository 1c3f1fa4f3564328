from django.urls import path

from . import payment_views as pv
from . import views

urlpatterns = [
    path("customers", views.CustomerListView.as_view(), name="customers"),
    path("customers/<str:customer_id>", views.CustomerDetailView.as_view(), name="customer"),
    path("payment_methods", pv.PaymentMethodListView.as_view()),
    path("payment_methods/<str:payment_method_id>", pv.PaymentMethodDetailView.as_view()),
    path("payment_methods/<str:payment_method_id>/detach", pv.PaymentMethodDetachView.as_view()),
    path("payments", pv.PaymentListView.as_view()),
    path("payments/<str:payment_id>", pv.PaymentDetailView.as_view()),
    path("payments/<str:payment_id>/confirm", pv.PaymentConfirmView.as_view()),
    path("payments/<str:payment_id>/capture", pv.PaymentCaptureView.as_view()),
    path("payments/<str:payment_id>/cancel", pv.PaymentCancelView.as_view()),
    path("sandbox/3ds/<str:payment_id>", pv.SandboxThreeDSecureView.as_view()),
    path("refunds", pv.RefundListView.as_view()),
    path("refunds/<str:refund_id>", pv.RefundDetailView.as_view()),
    path("disputes", pv.DisputeListView.as_view()),
    path("disputes/<str:dispute_id>", pv.DisputeDetailView.as_view()),
    path("disputes/<str:dispute_id>/close", pv.DisputeCloseView.as_view()),
    path("wallets/<str:wallet_id>/top_ups", pv.WalletTopUpView.as_view()),
]
