from django.urls import path

from . import views

app_name = "polls"

urlpatterns = [
    path("polls/new/", views.new_poll, name="new"),
    path("polls/<id:pk>/", views.poll, name="poll"),
    path("polls/<id:pk>/vote/", views.vote, name="vote"),
]
