from django.urls import path

from . import views

app_name = "polls"

urlpatterns = [
    path("polls/new/", views.new_poll, name="new"),
    path("polls/<int:pk>/", views.poll, name="poll"),
    path("polls/<int:pk>/vote/", views.vote, name="vote"),
]
