from django.urls import path

from intake import views

app_name = "intake"
urlpatterns = [
    path("hotline/", views.hotline, name="hotline"),
    path("hotline/later-call/", views.later_call, name="later_call"),
    path("hotline/duress/", views.hotline_duress, name="hotline_duress"),
    path("watch-list/", views.watch_list, name="watch_list"),
    path("watch-list/<int:entry_id>/remove/", views.watch_remove, name="watch_remove"),
]
