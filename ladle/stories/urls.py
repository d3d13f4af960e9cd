from django.urls import path

from . import feeds, views

app_name = "stories"

feed_patterns = [
    path("feeds/rss/", feeds.StoryFeed(), name="feed_rss"),
    path("feeds/atom/", feeds.atom(feeds.StoryFeed)(), name="feed_atom"),
    path("section/<slug:slug>/rss/", feeds.SectionFeed(), name="section_rss"),
    path("section/<slug:slug>/atom/", feeds.atom(feeds.SectionFeed)(), name="section_atom"),
    path("topic/<slug:slug>/rss/", feeds.TopicFeed(), name="topic_rss"),
    path("topic/<slug:slug>/atom/", feeds.atom(feeds.TopicFeed)(), name="topic_atom"),
    path("user/<str:name>/diary/rss/", feeds.DiaryFeed(), name="diary_rss"),
    path("user/<str:name>/diary/atom/", feeds.atom(feeds.DiaryFeed)(), name="diary_atom"),
    path("story/<id:pk>/comments/rss/", feeds.CommentFeed(), name="comments_rss"),
    path("story/<id:pk>/comments/atom/", feeds.atom(feeds.CommentFeed)(), name="comments_atom"),
]

urlpatterns = feed_patterns + [
    path("", views.front_page, name="front_page"),
    path("page/<id:page>/", views.front_page, name="front_page_paged"),
    path("section/<slug:slug>/", views.section, name="section"),
    path("topic/<slug:slug>/", views.topic, name="topic"),
    path("archive/<id:year>/<id:month>/", views.archive, name="archive"),
    path("editor/story/new/", views.edit_story, name="new_story"),
    path("editor/story/<id:pk>/", views.edit_story, name="edit_story"),
    path("editor/story/<id:pk>/promote/", views.promote, name="promote"),
    path("story/<id:pk>/history/", views.history, name="history"),
    path("story/<id:pk>/moderate/", views.moderate, name="moderate"),
    path("story/<id:pk>/flag/", views.flag, name="flag"),
    path("story/<id:pk>/", views.story, name="story_short"),
    path("story/<id:pk>/<str:slug>/", views.story, name="story"),
    path("user/<str:name>/diary/", views.diary, name="diary"),
    path("user/<str:name>/diary/new/", views.write_diary, name="write_diary"),
    path("user/<str:name>/diary/<id:pk>/edit/", views.edit_diary, name="edit_diary"),
    path("submit/", views.submit, name="submit"),
    path("queue/", views.queue, name="queue"),
    path("queue/<id:pk>/", views.queued_story, name="queued_story"),
    path("queue/<id:pk>/vote/", views.vote, name="vote"),
    path("queue/<id:pk>/decide/", views.decide, name="decide"),
    path("queue/<id:pk>/edit/", views.edit_queued, name="edit_queued"),
    path("queue/<id:pk>/to-voting/", views.to_voting, name="to_voting"),
    path("hotlist/", views.hotlist, name="hotlist"),
    path("hotlist/<id:pk>/", views.toggle_hotlist, name="toggle_hotlist"),
]
