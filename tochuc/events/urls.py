from django.urls import path

from tochuc.events import views

app_name = "events"
urlpatterns = [
    path("", views.index, name="index"),
    path("viec-can-lam/", views.due, name="due"),
    path("nguoi/<int:pk>/", views.person_events, name="person_events"),
    path("nguoi/<int:pk>/ghi/ket-thuc-mien/", views.exemption_end_view, name="exemption_end"),
    path("nguoi/<int:pk>/ghi/<slug:key>/", views.event_new, name="new"),
    path("<int:event_id>/huy/", views.void, name="void"),
    path("<int:event_id>/da-nhan/", views.receipt, name="receipt"),
    path("don-vi/<str:code>/", views.unit_actions, name="unit_actions"),
    path("don-vi/<str:code>/ket-nap/", views.admission_new, name="admission_new"),
    path("don-vi/<str:code>/danh-gia/<int:year>/", views.branch_evaluation, name="branch_evaluation"),
]
