from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("comments/display/", views.set_display, name="set_display"),
    path("comments/held/<id:pk>/approve/", views.held, {"decision": "approve"}, name="approve"),
    path("comments/held/<id:pk>/reject/", views.held, {"decision": "reject"}, name="reject"),
    path("story/<id:story_pk>/comments/new/", views.post, name="post"),
    path("story/<id:story_pk>/comments/live/", views.live, name="live"),
    path("story/<id:story_pk>/comments/stream/", views.stream, name="stream"),
    path("story/<id:story_pk>/comments/rate/", views.rate_all, name="rate_all"),
    path("story/<id:story_pk>/comments/<id:number>/", views.permalink, name="permalink"),
    path("story/<id:story_pk>/comments/<id:number>/full/", views.fragment, name="fragment"),
    path("story/<id:story_pk>/comments/<id:number>/reply/", views.post, name="reply"),
    path("story/<id:story_pk>/comments/<id:number>/rate/", views.rate, name="rate"),
    path("story/<id:story_pk>/comments/<id:number>/ratings/", views.ratings, name="ratings"),
    path("story/<id:story_pk>/comments/<id:number>/edit/", views.edit, name="edit"),
    path("story/<id:story_pk>/comments/<id:number>/delete/", views.delete, name="delete"),
    path("story/<id:story_pk>/comments/<id:number>/remove/", views.remove, name="remove"),
    path("story/<id:story_pk>/comments/<id:number>/restore/", views.restore, name="restore"),
    path("story/<id:story_pk>/comments/<id:number>/flag/", views.flag, name="flag"),
]
