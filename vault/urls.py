from django.urls import path

from vault import views

app_name = "vault"
urlpatterns = [
    path("grant/<int:team_id>/<int:user_id>/", views.grant, name="grant"),
]
