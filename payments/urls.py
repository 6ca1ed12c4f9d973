from django.urls import path

from payments import views

urlpatterns = [
    path("account/balance", views.BalanceView.as_view(), name="balance"),
    path("api/v1/onramp/quote", views.OnrampQuoteView.as_view(), name="onramp-quote"),
    path("api/v1/onramp/initiate", views.OnrampInitiateView.as_view(), name="onramp-initiate"),
    path(
        "api/v1/onramp/status/<uuid:tx_id>", views.OnrampStatusView.as_view(), name="onramp-status"
    ),
    path(
        "api/v1/onramp/webhook/<str:provider>",
        views.OnrampWebhookView.as_view(),
        name="onramp-webhook",
    ),
    path("api/v1/offramp/quote", views.OfframpQuoteView.as_view(), name="offramp-quote"),
    path("api/v1/offramp/initiate", views.OfframpInitiateView.as_view(), name="offramp-initiate"),
    path(
        "api/v1/offramp/status/<uuid:tx_id>",
        views.OfframpStatusView.as_view(),
        name="offramp-status",
    ),
    path("api/v1/transfers", views.TransferView.as_view(), name="transfers"),
    path("api/v1/transfers/<uuid:tx_id>", views.TransferDetailView.as_view(), name="transfer"),
    path("api/v1/redemptions", views.RedemptionView.as_view(), name="redemptions"),
    path(
        "api/v1/redemptions/<uuid:tx_id>", views.RedemptionDetailView.as_view(), name="redemption"
    ),
    path(
        "api/v1/redemptions/<uuid:tx_id>/cancel",
        views.RedemptionCancelView.as_view(),
        name="redemption-cancel",
    ),
    path("api/v1/transactions", views.TransactionsView.as_view(), name="transactions"),
    path(
        "api/v1/transactions/<uuid:tx_id>",
        views.TransactionDetailView.as_view(),
        name="transaction",
    ),
    path("api/v1/mint/requests", views.MintRequestsView.as_view(), name="mint-requests"),
    path(
        "api/v1/mint/requests/<uuid:request_id>",
        views.MintRequestDetailView.as_view(),
        name="mint-request",
    ),
    path(
        "api/v1/mint/requests/<uuid:request_id>/approve",
        views.MintApproveView.as_view(),
        name="mint-approve",
    ),
    path(
        "api/v1/mint/requests/<uuid:request_id>/reject",
        views.MintRejectView.as_view(),
        name="mint-reject",
    ),
]
