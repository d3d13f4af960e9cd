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
    path("editor/story/<int:pk>/promote/", views.promote, name="promote"),
    path("story/<int:pk>/history/", views.history, name="history"),
    path("story/<int:pk>/", views.story, name="story_short"),
    path("story/<int:pk>/<str:slug>/", views.story, name="story"),
    path("user/<str:name>/diary/", views.diary, name="diary"),
    path("user/<str:name>/diary/new/", views.write_diary, name="write_diary"),
    path("submit/", views.submit, name="submit"),
    path("queue/", views.queue, name="queue"),
    path("queue/<int:pk>/", views.queued_story, name="queued_story"),
    path("queue/<int:pk>/vote/", views.vote, name="vote"),
    path("queue/<int:pk>/decide/", views.decide, name="decide"),
    path("queue/<int:pk>/edit/", views.edit_queued, name="edit_queued"),
    path("queue/<int:pk>/to-voting/", views.to_voting, name="to_voting"),
    path("hotlist/", views.hotlist, name="hotlist"),
    path("hotlist/<int:pk>/", views.toggle_hotlist, name="toggle_hotlist"),
]
