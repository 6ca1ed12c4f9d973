from django.urls import path

from rates import views

urlpatterns = [
    path("api/v1/rates", views.RatesView.as_view(), name="rates"),
    path("api/v1/fees", views.FeesView.as_view(), name="fees"),
    path("public/rates", views.PublicRatesView.as_view(), name="public-rates"),
    path("public/fees", views.PublicFeesView.as_view(), name="public-fees"),
]
