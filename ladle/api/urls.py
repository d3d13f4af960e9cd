from django.urls import path

from . import views

app_name = "api_tokens"

urlpatterns = [
    path("settings/tokens/", views.tokens, name="tokens"),
    path("settings/tokens/<id:pk>/revoke/", views.revoke, name="revoke"),
]
