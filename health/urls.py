from django.urls import path

from health import views

app_name = "health"
urlpatterns = [
    path("edge", views.edge, name="edge"),
    path("live", views.live, name="live"),
]
