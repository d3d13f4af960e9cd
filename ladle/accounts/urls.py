from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("signup/", views.sign_up, name="signup"),
    path("confirm/<uidb64>/<token>/", views.confirm_email, name="confirm_email"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("settings/profile/", views.edit_profile, name="edit_profile"),
    path("settings/password/", views.password_change, name="password_change"),
    path("settings/password/done/", views.password_change_done, name="password_change_done"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/sent/", views.password_reset_done, name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("password-reset/done/", views.password_reset_complete, name="password_reset_complete"),
    path("inbox/", views.inbox, name="inbox"),
    path("user/<str:name>/", views.member, name="member"),
    path("user/<str:name>/suspend/", views.suspend, name="suspend"),
    path("user/<str:name>/lift/", views.lift, name="lift"),
    path("user/<str:name>/note/", views.add_note, name="add_note"),
]
