from django.urls import path

from tochuc.units import views

app_name = "units"
urlpatterns = [
    path("", views.unit_tree, name="tree"),
    path("<str:code>/", views.unit_detail, name="detail"),
    path("<str:code>/<slug:slug>/", views.unit_action, name="action"),
]
