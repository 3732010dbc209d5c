from django.urls import path

from tochuc.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="index"),
    path("chi-so/<str:key>/", views.figure_detail, name="figure"),
    path("nam/", views.annual, name="annual"),
    path("nam/tai-ve/<str:fmt>/", views.annual_download, name="annual_download"),
]
