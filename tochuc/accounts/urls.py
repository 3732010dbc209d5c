from django.contrib.auth import views as auth_views
from django.urls import path

from tochuc.accounts import views

app_name = "accounts"
urlpatterns = [
    path("dang-nhap/", views.login_view, name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", views.password_change, name="password_change"),
    path("xac-thuc/", views.otp, name="otp"),
]
