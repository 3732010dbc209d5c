from django.urls import path

from tochuc.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.index, name="index"),
    path("mau.xlsx", views.template, name="template"),
    path("xuat.xlsx", views.export, name="export"),
    path("tien-do/<str:token>/", views.progress, name="progress"),
    path("loi/<str:token>.xlsx", views.error_report, name="error_report"),
]
