from django.urls import path

from reception import outcome_views, views

app_name = "reception"
urlpatterns = [
    path("cases/<str:number>/outcome/", outcome_views.outcome, name="outcome"),
    path("cases/<str:number>/outcome/record/", outcome_views.outcome_record, name="outcome_record"),
    path(
        "cases/<str:number>/outcome/guarantees/",
        outcome_views.guarantee_promise,
        name="guarantee_promise",
    ),
    path(
        "cases/<str:number>/outcome/guarantees/<uuid:guarantee_id>/done/",
        outcome_views.guarantee_done,
        name="guarantee_done",
    ),
    path("cases/<str:number>/", views.reception, name="case"),
    path("cases/<str:number>/custody/", views.custody_new, name="custody"),
    path("cases/<str:number>/register/", views.register, name="register"),
    path("cases/<str:number>/events/", views.event_new, name="event"),
    path("cases/<str:number>/cards/<uuid:card_id>/sent/", views.card_sent, name="card_sent"),
    path("cases/<str:number>/cards/<uuid:card_id>/card.pdf", views.card_pdf, name="card_pdf"),
    path("cases/<str:number>/bureau.json", views.export, {"fmt": "json"}, name="export_json"),
    path("cases/<str:number>/bureau.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("cases/<str:number>/consents/", views.consent_new, name="consent"),
    path(
        "cases/<str:number>/consents/<uuid:consent_id>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("cases/<str:number>/media/", views.media_upload, name="media"),
    path("cases/<str:number>/media/<uuid:media_id>/", views.media_download, name="media_file"),
    path(
        "cases/<str:number>/media/<uuid:media_id>/delete/", views.media_delete, name="media_delete"
    ),
    path("enquiries/<str:number>/", views.enquiry_list, name="enquiries"),
    path("enquiries/<str:number>/<uuid:enquiry_id>/", views.enquiry_detail, name="enquiry"),
]
