"""RSS 2.0 and Atom feeds: front page, sections, topics, diaries, and a story's comments."""

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from ladle.accounts.models import User, Visitor
from ladle.accounts.names import name_key
from ladle.comments.models import Comment
from ladle.site.values import value

from .models import Section, Story, Topic

ITEMS = 20

# Feeds are read by programs that never log in: what a visitor may read.
PUBLIC = Visitor()


class StoryFeed(Feed):
    """Published stories, newest first; each item is the story's intro."""

    def title(self, obj=None):
        return value("site_name")

    def link(self, obj=None):
        return reverse("stories:front_page")

    def description(self, obj=None):
        return f"The newest stories on {value('site_name')}."

    def stories(self, obj):
        return Story.objects.readable_by(PUBLIC).published().on_front_page()

    def items(self, obj=None):
        return self.stories(obj).newest_first().select_related("author", "section")[:ITEMS]

    def item_title(self, story):
        return story.title

    def item_description(self, story):
        return story.intro_html

    def item_pubdate(self, story):
        return story.published_at

    def item_updateddate(self, story):
        return story.updated_at

    def item_author_name(self, story):
        return story.author.shown_name

    def item_categories(self, story):
        return [story.section.name]


class SectionFeed(StoryFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def title(self, section):
        return f"{section.name} · {value('site_name')}"

    def link(self, section):
        return section.get_absolute_url()

    def description(self, section):
        return section.description or f"Stories in {section.name}."

    def stories(self, section):
        return Story.objects.readable_by(PUBLIC).published().in_section(section)


class TopicFeed(StoryFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Topic, slug=slug)

    def title(self, topic):
        return f"Topic: {topic.name} · {value('site_name')}"

    def link(self, topic):
        return topic.get_absolute_url()

    def description(self, topic):
        return f"Stories about {topic.name}."

    def stories(self, topic):
        return Story.objects.readable_by(PUBLIC).published().filter(topics=topic)


class DiaryFeed(StoryFeed):
    def get_object(self, request, name):
        return get_object_or_404(User, name_key=name_key(name))

    def title(self, member):
        return f"{member.shown_name}’s diary · {value('site_name')}"

    def link(self, member):
        return reverse("stories:diary", args=[member.username])

    def description(self, member):
        return f"Diary entries by {member.shown_name}."

    def stories(self, member):
        return Story.objects.readable_by(PUBLIC).published().diary_of(member)


@dataclass(frozen=True)
class Discussion:
    """A story's comments as one reader may read them."""

    story: Story
    reader: object


class CommentFeed(Feed):
    """A story's comments the reader may read, newest first (`Comment.objects.visible_to`)."""

    def get_object(self, request, pk):
        story = get_object_or_404(Story.objects.readable_by(request.user), pk=pk)
        return Discussion(story, request.user)

    def title(self, discussion):
        return f"Comments on “{discussion.story.title}”"

    def link(self, discussion):
        return discussion.story.get_absolute_url()

    def description(self, discussion):
        return f"The discussion of “{discussion.story.title}” on {value('site_name')}."

    def items(self, discussion):
        return (
            Comment.objects.for_story(discussion.story)
            .visible_to(discussion.reader)
            .select_related("author")
            .order_by("-created_at")[:ITEMS]
        )

    def item_title(self, comment):
        return f"{comment.subject} (#{comment.number})"

    def item_description(self, comment):
        return comment.body_html

    def item_link(self, comment):
        return comment.get_absolute_url()

    def item_pubdate(self, comment):
        return comment.created_at

    def item_author_name(self, comment):
        return comment.author_name


def atom(feed_class):
    """The same feed in Atom 1.0."""
    return type(
        f"Atom{feed_class.__name__}",
        (feed_class,),
        {
            "feed_type": Atom1Feed,
            "subtitle": feed_class.description,
        },
    )


FEEDS = {
    "front_page": StoryFeed,
    "section": SectionFeed,
    "topic": TopicFeed,
    "diary": DiaryFeed,
    "comments": CommentFeed,
}
