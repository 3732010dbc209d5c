from django.urls import include, path

urlpatterns = [
    path("", include("tochuc.core.urls")),
    path("tai-khoan/", include("tochuc.accounts.urls")),
]
