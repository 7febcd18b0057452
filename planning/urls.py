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
urlpatterns += [
    path("cases/<str:number>/escort/", views.task_create, name="task_create"),
    path(
        "cases/<str:number>/escort/<uuid:task_id>/hand-off/",
        views.task_hand_off,
        name="task_hand_off",
    ),
]

from planning import field_views  # noqa: E402  (the field console's own pages)

urlpatterns += [
    path("field/", field_views.task_list, name="field"),
    path("field/tasks/<uuid:task_id>/", field_views.task_detail, name="field_task"),
    path("field/tasks/<uuid:task_id>/report/", field_views.task_report, name="field_report"),
    path("field/sighting/", field_views.sighting, name="sighting"),
    path("field/note.pdf", field_views.generic_note, name="generic_note"),
    path(
        "cases/<str:number>/instructions/<uuid:instruction_id>/note.pdf",
        views.personal_note,
        name="personal_note",
    ),
]
