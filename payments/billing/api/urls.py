from django.urls import path

from . import views as v

urlpatterns = [
    path("products", v.ProductListView.as_view()),
    path("products/<str:product_id>", v.ProductDetailView.as_view()),
    path("prices", v.PriceListView.as_view()),
    path("prices/<str:price_id>", v.PriceDetailView.as_view()),
    path("subscriptions", v.SubscriptionListView.as_view()),
    path("subscriptions/<str:subscription_id>", v.SubscriptionDetailView.as_view()),
    path("subscriptions/<str:subscription_id>/cancel", v.SubscriptionCancelView.as_view()),
    path("subscriptions/<str:subscription_id>/pause", v.SubscriptionPauseView.as_view()),
    path("subscriptions/<str:subscription_id>/resume", v.SubscriptionResumeView.as_view()),
    path("subscriptions/<str:subscription_id>/discount", v.SubscriptionDiscountView.as_view()),
    path("invoices", v.InvoiceListView.as_view()),
    path("invoices/upcoming", v.InvoiceUpcomingView.as_view()),
    path("invoices/<str:invoice_id>", v.InvoiceDetailView.as_view()),
    path("invoices/<str:invoice_id>/lines", v.InvoiceLinesView.as_view()),
    path("invoices/<str:invoice_id>/pay", v.InvoicePayView.as_view()),
    path("invoices/<str:invoice_id>/finalize", v.InvoiceFinalizeView.as_view()),
    path("invoices/<str:invoice_id>/void", v.InvoiceVoidView.as_view()),
    path("invoices/<str:invoice_id>/mark_uncollectible", v.InvoiceUncollectibleView.as_view()),
    path("invoice_items", v.InvoiceItemListView.as_view()),
    path("coupons", v.CouponListView.as_view()),
    path("coupons/<str:coupon_id>", v.CouponDetailView.as_view()),
    path("test_clocks", v.TestClockListView.as_view()),
    path("test_clocks/<str:clock_id>", v.TestClockDetailView.as_view()),
    path("test_clocks/<str:clock_id>/advance", v.TestClockAdvanceView.as_view()),
]
