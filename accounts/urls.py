from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("enrol/", views.enrol, name="enrol"),
    path("account/", views.account, name="account"),
    path("account/password/", views.password_change, name="password"),
    path("account/backup-codes/", views.backup_codes, name="backup_codes"),
    path("account/logout-everywhere/", views.logout_everywhere, name="logout_everywhere"),
    path("staff/", views.staff_list, name="staff"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<int:user_id>/", views.staff_edit, name="staff_edit"),
    path("teams/", views.teams, name="teams"),
]
