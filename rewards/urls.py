from django.urls import path

from rewards import views

app_name = "rewards"
urlpatterns = [
    path("", views.item_list, name="list"),
    path("items/<uuid:item_id>/", views.item_detail, name="item"),
    path("items/<uuid:item_id>/photos/<uuid:photo_id>/", views.photo, name="photo"),
    path("rates/", views.rates_page, name="rates"),
    path("report/", views.report, name="report"),
    path("report.csv", views.report_csv, name="report_csv"),
]
