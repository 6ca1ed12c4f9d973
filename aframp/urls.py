from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularRedocView

urlpatterns = [
    path("health/", include("health.urls")),
    path("account/", include("accounts.urls")),
    path("", include("rates.urls")),
    path("", include("payments.urls")),
    path("public/openapi.json", SpectacularJSONAPIView.as_view(), name="openapi-schema"),
    path("public/docs/", SpectacularRedocView.as_view(url_name="openapi-schema"), name="docs"),
    path("admin/", admin.site.urls),
]
