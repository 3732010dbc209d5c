from django.urls import path

from tochuc.people import views

app_name = "people"
urlpatterns = [
    path("tim/", views.person_search, name="search"),
    path("them/", views.person_create_view, name="create"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/sua/", views.person_edit, name="edit"),
]
