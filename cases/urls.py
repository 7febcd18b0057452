from django.urls import path

from cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("triage/", views.triage, name="triage"),
    path("search/", views.search_view, name="search"),
    path("queue/<slug:name>/", views.queue, name="queue"),
    path("alerts/<int:alert_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<str:number>/", views.case_detail, name="detail"),
    path("<str:number>/new-codename/", views.new_codename, name="new_codename"),
    path("<str:number>/reply/", views.reply, name="reply"),
    path("<str:number>/assign/", views.assign, name="assign"),
    path("<str:number>/note/", views.add_note, name="note"),
    path("<str:number>/move/<slug:name>/", views.move, name="move"),
    path("<str:number>/access/request/", views.request_access, name="request_access"),
    path("<str:number>/access/decide/", views.decide_access, name="decide_access"),
    path("<str:number>/access/seal/", views.seal_for_named, name="seal_for_named"),
]
