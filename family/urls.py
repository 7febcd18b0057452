from django.urls import path

from family import views

app_name = "family"
urlpatterns = [
    path("cases/<str:number>/", views.relative_list, name="list"),
    path("cases/<str:number>/<uuid:relative_id>/", views.relative_detail, name="relative"),
]
