from django.urls import path

from . import views

app_name = "stories"

urlpatterns = [
    path("", views.front_page, name="front_page"),
    path("page/<int:page>/", views.front_page, name="front_page_paged"),
    path("section/<slug:slug>/", views.section, name="section"),
    path("topic/<slug:slug>/", views.topic, name="topic"),
    path("editor/story/new/", views.edit_story, name="new_story"),
    path("editor/story/<int:pk>/", views.edit_story, name="edit_story"),
    path("story/<int:pk>/", views.story, name="story_short"),
    path("story/<int:pk>/<str:slug>/", views.story, name="story"),
]
