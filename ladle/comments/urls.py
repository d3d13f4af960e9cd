from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("comments/display/", views.set_display, name="set_display"),
    path("story/<int:story_pk>/comments/new/", views.post, name="post"),
    path("story/<int:story_pk>/comments/<int:number>/", views.permalink, name="permalink"),
    path("story/<int:story_pk>/comments/<int:number>/full/", views.fragment, name="fragment"),
    path("story/<int:story_pk>/comments/<int:number>/reply/", views.post, name="reply"),
    path("story/<int:story_pk>/comments/<int:number>/rate/", views.rate, name="rate"),
    path("story/<int:story_pk>/comments/<int:number>/ratings/", views.ratings, name="ratings"),
    path("story/<int:story_pk>/comments/<int:number>/edit/", views.edit, name="edit"),
    path("story/<int:story_pk>/comments/<int:number>/delete/", views.delete, name="delete"),
    path("story/<int:story_pk>/comments/<int:number>/remove/", views.remove, name="remove"),
]
