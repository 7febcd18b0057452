from django.urls import path

from planning import views

app_name = "planning"
urlpatterns = [
    path("cases/<str:number>/plan/", views.plan_edit, name="plan"),
]
urlpatterns += [
    path("cases/<str:number>/instructions/", views.instruction_list, name="instructions"),
    path("cases/<str:number>/instructions/draft/", views.instruction_draft, name="draft"),
    path(
        "cases/<str:number>/instructions/<uuid:instruction_id>/release/",
        views.instruction_release,
        name="release",
    ),
    path(
        "cases/<str:number>/instructions/<uuid:instruction_id>/script/",
        views.instruction_script,
        name="script",
    ),
    path("check-code/", views.check_code, name="check_code"),
]
