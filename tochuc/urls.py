from django.urls import include, path

urlpatterns = [
    path("", include("tochuc.core.urls")),
    path("tai-khoan/", include("tochuc.accounts.urls")),
    path("don-vi/", include("tochuc.units.urls")),
    path("nguoi/", include("tochuc.people.urls")),
    path("su-kien/", include("tochuc.events.urls")),
    path("bao-cao/", include("tochuc.reports.urls")),
    path("nhap-xuat/", include("tochuc.imports.urls")),
    path("can-bo/", include("tochuc.cadres.urls")),
    path("api/v1/", include("tochuc.api.urls")),
]
