from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("register", views.RegisterView.as_view(), name="register"),
    path("token", views.TokenView.as_view(), name="token"),
    path("logout", views.LogoutView.as_view(), name="logout"),
    path("profile", views.ProfileView.as_view(), name="profile"),
    path("kyc", views.KycView.as_view(), name="kyc"),
]
