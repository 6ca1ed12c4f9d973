from django.urls import path

from health import views

app_name = "health"
urlpatterns = [
    path("edge", views.EdgeHealthView.as_view(), name="edge"),
    path("live", views.LiveView.as_view(), name="live"),
]
