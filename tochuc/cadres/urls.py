from django.urls import path

from tochuc.cadres import views

app_name = "cadres"
urlpatterns = [
    path("", views.index, name="index"),
    path("chuc-danh/", views.posts, name="posts"),
    path("chuc-danh/<int:pk>/", views.post_detail, name="post"),
    path("nguoi/<int:pk>/quyet-dinh/", views.decide, name="decide"),
    path("quy-hoach/", views.planning, name="planning"),
    path("quy-hoach/<str:code>/", views.period, name="period"),
    path("quy-hoach/<str:code>/ra-soat/", views.review, name="review"),
    path("quy-hoach/<str:code>/ma-tran/", views.grid, name="grid"),
    path("luan-chuyen/", views.rotations, name="rotations"),
    path("thi-tuyen/", views.selections, name="selections"),
    path("thi-tuyen/<int:pk>/", views.selection, name="selection"),
    path("dao-tao/", views.training, name="training"),
    path("dao-tao/ke-hoach-<int:year>.xlsx", views.training_export, name="training_xlsx"),
    path("bien-che/", views.staffing, name="staffing"),
]
