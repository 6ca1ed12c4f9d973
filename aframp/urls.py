from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("health/", include("health.urls")),
    path("admin/", admin.site.urls),
]
