from django.urls import path

from reception import views

app_name = "reception"
urlpatterns = [
    path("cases/<str:number>/outcome/", views.outcome, name="outcome"),
    path("cases/<str:number>/outcome/record/", views.outcome_record, name="outcome_record"),
    path(
        "cases/<str:number>/outcome/guarantees/",
        views.guarantee_promise,
        name="guarantee_promise",
    ),
    path(
        "cases/<str:number>/outcome/guarantees/<uuid:guarantee_id>/done/",
        views.guarantee_done,
        name="guarantee_done",
    ),
]
