from django.urls import path

from planning import views

app_name = "planning"
urlpatterns = [
    path("cases/<str:number>/plan/", views.plan_edit, name="plan"),
]
