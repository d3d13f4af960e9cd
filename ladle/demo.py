"""Demo content: enough of a magazine to show what Ladle does on its first start.

Everything is written through the same services the site uses, so the demo obeys the same rules
(numbering, sanitizing, counters) as real content.
"""

import random
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from ladle.accounts.models import User
from ladle.accounts.throttle import paused
from ladle.comments.models import Comment
from ladle.comments.services import post_comment, rate_comment
from ladle.polls.models import Poll
from ladle.stories.models import DIARY_SECTION_SLUG, Section, Story, Topic
from ladle.stories.services import diary_section, save_story

# The demo's members have addresses here (a reserved name no real address uses), which is
# how `remove_demo` tells the demo's content from a site's own.
DEMO_DOMAIN = "demo.invalid"
SECTIONS = [
    ("News", "news", True, "What happened, reported plainly."),
    ("Features", "features", True, "Longer pieces: essays, interviews, reviews."),
    ("Meta", "meta", False, "About this site itself. Shown on its section page only."),
]
TOPICS = ["Cities", "Books", "Science", "Transport", "Food", "Technology", "Community"]
MEMBERS = ["Alice Moreau", "Bruno", "Chen Wei", "Dana K", "Emeka", "Farida", "Gus"]
TRUSTED, UNTRUSTED = "Alice Moreau", "Gus"  # the ratings below make them so
OFF_TOPIC = [
    "Visit my shop for great deals on garden gnomes!",
    "Unrelated, but has anyone seen my bicycle? It is blue.",
    "First! Also, follow my channel for daily videos.",
]

# (section, title, topics, intro, body)
STORIES = [
    (
        "news",
        "The City Library Extends Its Evening Hours",
        ["Cities", "Books"],
        "From next month the central library stays open until ten on weekdays, after a year-long "
        "pilot at two branch libraries drew more visitors than expected.",
        "The council approved the change on Tuesday. Staff rotas will be reorganised rather than "
        "extended, the library service says, and the reading rooms on the second floor will stay "
        "open for quiet study.\n\nBranch libraries keep their current hours for now. A review in "
        "the spring will decide whether the longer evenings spread further.\n\n> We saw students, "
        "shift workers and parents who could never come before six.\n\nWhat would you use a late "
        "library for? Tell us below.",
    ),
    (
        "features",
        "A Week Without a Car: Notes From the Suburbs",
        ["Transport", "Cities"],
        "One of our writers left the car keys in a drawer for seven days. The bus was fine. The "
        "shopping was not.",
        "Day one went well: the number 12 bus runs every fifteen minutes at rush hour and the "
        "driver knew everyone by name. Day three was harder, with a bag of groceries, an umbrella "
        "and a cross-town transfer that never came.\n\nBy the end of the week the lessons were "
        "simple: plan trips in batches, carry a folding bag, and check the timetable twice.",
    ),
    (
        "news",
        "Open Thread: The Weekend",
        ["Community"],
        "What are you reading, cooking or fixing this weekend? The floor is yours.",
        "",
    ),
    (
        "news",
        "Regional Rail Timetable Changes in December",
        ["Transport"],
        "Trains on the coastal line will run every half hour on Sundays from December, the "
        "operator announced.",
        "",
    ),
    (
        "features",
        "In Praise of the Community Garden",
        ["Food", "Community", "Cities"],
        "Forty plots, two hoses and a waiting list: how a vacant lot became the busiest place on "
        "the block.",
        "It started with a petition and a borrowed rotavator. Eight years later the garden grows "
        "beans, squash, far too many courgettes and a surprising amount of friendship.\n\nThe "
        "rules are few: water your plot, share your surplus, and never take the good trowel home.",
    ),
    (
        "news",
        "New Bike Lanes Open on Harbour Street",
        ["Transport", "Cities"],
        "Protected lanes now run the full length of Harbour Street, closing the last gap in the "
        "waterfront route.",
        "",
    ),
    (
        "features",
        "Reading the Night Sky Without a Telescope",
        ["Science"],
        "You need a dark field, twenty minutes for your eyes to adjust, and patience. A beginner's "
        "guide to what you can see unaided.",
        "Start with the bright planets: they do not twinkle. Then find a constellation you know "
        "and hop from star to star.\n\nA red torch keeps your night vision; a flask of tea keeps "
        "the rest of you going.",
    ),
    (
        "news",
        "Farmers' Market Moves to the Old Tram Depot",
        ["Food", "Community"],
        "After fifteen years in the car park, the Saturday market moves indoors, with room for "
        "thirty more stalls.",
        "",
    ),
    (
        "features",
        "Why Old Software Still Runs the World",
        ["Technology"],
        "Banks, airlines and your local council depend on programs written decades ago. That is "
        "less alarming than it sounds.",
        "Old software that works has survived years of real use: its bugs are known and its "
        "behaviour is understood. Replacing it is risky, and the risk is often underestimated.\n\n"
        "The interesting question is not *how old* a system is but *how well it is looked after*.",
    ),
    (
        "news",
        "School Holiday Reading Challenge Returns",
        ["Books", "Community"],
        "Children who read six books over the holidays earn a certificate and a medal, as the "
        "library's summer challenge returns for its twentieth year.",
        "",
    ),
    (
        "features",
        "Bread, Slowly: A Sourdough Diary",
        ["Food"],
        "Flour, water, salt and time. Notes from a month of learning to bake with a starter.",
        "The first loaf was a brick. The second was a flatter brick. By the fifth, the crumb "
        "opened up and the crust crackled as it cooled.\n\nThe secret, as every baker says, is "
        "that there is no secret: only warmth, patience and a kitchen scale.",
    ),
    (
        "news",
        "Council Publishes Its Budget in Plain Language",
        ["Cities", "Community"],
        "For the first time, the annual budget comes with a twelve-page summary that explains "
        "where each pound goes.",
        "The summary groups spending into ten areas, from bins to buses, and shows how each "
        "changed since last year. Residents can comment on the draft until the end of the month.",
    ),
    (
        "meta",
        "Welcome to the Site: How Comments and Ratings Work",
        ["Community"],
        "A short guide for new members: posting, replying, and keeping the discussion useful.",
        "Every story has a thread. Reply to the story or to any comment; your reply appears "
        "under what you answered.\n\nBe kind, stay on topic and assume good faith.",
    ),
]

# Who wrote what (by title): the editors, and members whose pieces an editor published.
BYLINES = {
    "A Week Without a Car: Notes From the Suburbs": "Dana K",
    "Reading the Night Sky Without a Telescope": "Chen Wei",
    "Bread, Slowly: A Sourdough Diary": "Farida",
    "Why Old Software Still Runs the World": "Tomás",
    "In Praise of the Community Garden": "Tomás",
    "Regional Rail Timetable Changes in December": "Tomás",
}

# The discussion under each story (by title): (subject, body, reply to the comment at index).
DISCUSSIONS: dict[str, list[tuple[str, str, int | None]]] = {
    "A Week Without a Car: Notes From the Suburbs": [
        (
            "The shopping problem",
            "A folding trolley changed everything for me. Ugly, but it "
            "carries a week of groceries.",
            None,
        ),
        ("Re: The shopping problem", "Seconded. Mine has survived six winters.", 0),
        (
            "Night buses?",
            "How did the evenings go? The last bus from the centre is the real test.",
            None,
        ),
    ],
    "Open Thread: The Weekend": [
        ("Reading", "Finally started the new translation of *The Leopard*. Slow and lovely.", None),
        ("Fixing", "A dripping tap, three trips to the hardware shop, one washer.", None),
        ("Re: Fixing", "It is always the washer. Always.", 1),
        ("Cooking", "Leek and potato soup, enough for the freezer.", None),
    ],
    "Regional Rail Timetable Changes in December": [
        (
            "Sundays at last",
            "Half-hourly on Sundays makes day trips to the coast possible again.",
            None,
        ),
        (
            "Connections",
            "Do the buses at the terminus change to match? The 40 used to leave "
            "two minutes before the train came in.",
            None,
        ),
    ],
    "In Praise of the Community Garden": [
        (
            "The waiting list",
            "Forty plots and a waiting list of ninety. The council should "
            "look at the lot behind the depot.",
            None,
        ),
        (
            "Courgettes",
            "Every August the gate has a box of free courgettes. Nobody admits to growing them.",
            None,
        ),
        ("Re: Courgettes", "I admit nothing.", 1),
    ],
    "New Bike Lanes Open on Harbour Street": [
        (
            "Finally joined up",
            "The gap by the ferry terminal was the worst part of my "
            "commute. Rode it this morning: calm and quick.",
            None,
        ),
        (
            "Deliveries",
            "Where do the vans unload now? The loading bays are on the other side.",
            None,
        ),
    ],
}
SUBJECTS = [
    "Good news",
    "Finally",
    "Not so sure",
    "A question",
    "Late evenings",
    "Students",
    "Cost?",
    "Staffing",
    "Agreed",
    "Another view",
    "Quiet study",
    "Weekends too",
    "Branch libraries",
    "Safety on the way home",
    "Thanks",
    "Numbers",
    "Pilot results",
    "Parents",
    "Heating bills",
    "Volunteers",
    "Good point",
    "Spring review",
    "Details",
]
SENTENCES = [
    "This is a welcome change and long overdue.",
    "I wonder how they will staff the evenings without longer shifts.",
    "The pilot figures were encouraging, but two branches are a small sample.",
    "My daughter studies there after work; this makes a real difference.",
    "Would the café stay open too, or only the reading rooms?",
    "I would rather see Sunday opening than later weekdays.",
    "Quiet space in the evening is hard to find in a busy city.",
    "The council report has the visitor numbers in an appendix.",
    "Good point, and the report says the same.",
    "I think the spring review is the right moment to judge it.",
    "Heating and lighting a large building for four more hours is not free.",
    "The branch in my neighbourhood closes at five, which rules it out for most workers.",
    "Libraries are one of the few indoor places you can stay without buying anything.",
    "Fair enough, though the transport home matters as much as the opening time.",
    "Thanks for the link, that answers my question.",
    "I volunteered there for a year; the evening crowd is very different from the daytime one.",
]


def database_is_empty() -> bool:
    return not (Story.objects.exists() or Section.objects.exists())


def _member(name: str, **extra) -> User:
    user = User(
        username=name,
        email=f"{slugify(name) or 'member'}@{DEMO_DOMAIN}",
        email_confirmed_at=timezone.now(),
        **extra,
    )
    user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def seed_demo(*, thread_size: int = 64, seed: int = 7) -> None:
    """A site's worth of demo content, made through the services (the post throttle paused:
    the demo writes in a moment what members would write over weeks)."""
    with paused():
        _seed(thread_size=thread_size, seed=seed)


def _seed(*, thread_size: int, seed: int) -> None:
    rng = random.Random(seed)
    now = timezone.now()
    sections = {
        DIARY_SECTION_SLUG: diary_section(),
    }
    sections |= {
        slug: Section.objects.create(
            name=name, slug=slug, on_front_page=front, description=description, position=i
        )
        for i, (name, slug, front, description) in enumerate(SECTIONS)
    }
    topics = {name: Topic.objects.create(name=name, slug=slugify(name)) for name in TOPICS}
    editor = _member("Margaret", role=User.Role.EDITOR, bio="Editor of the demo magazine.")
    _member("Tomás", role=User.Role.EDITOR, bio="Features editor; trains, gardens, old code.")
    members = [_member(name) for name in MEMBERS]
    authors = {m.username: m for m in User.objects.all()}

    stories = []
    for age, (section, title, story_topics, intro, body) in enumerate(STORIES):
        stories.append(
            save_story(
                editor=editor,
                author=authors[BYLINES.get(title, "Margaret")],
                title=title,
                intro=intro,
                body=body,
                section=sections[section],
                topics=[topics[t] for t in story_topics],
                status=Story.Status.PUBLISHED,
                published_at=now - timedelta(hours=9 * age + 1),
            )
        )
    save_story(
        editor=editor,
        title="Coming Soon: The Year in Review",
        section=sections["news"],
        intro="Our look back at the year, scheduled for publication next week.",
        body="This story is scheduled: readers cannot see it yet.",
        topics=[topics["Community"]],
        status=Story.Status.PUBLISHED,
        published_at=now + timedelta(days=7),
    )
    save_story(
        editor=editor,
        title="Draft: Interview With the Head Librarian",
        section=sections["features"],
        intro="Notes for an upcoming interview.",
        topics=[topics["Books"]],
    )

    by_name = {m.username: m for m in members}
    regulars = [m for m in members if m.username != UNTRUSTED]
    thread = _seed_thread(stories[0], regulars, rng, thread_size, now)
    for story in stories[1:]:
        posted: list[Comment] = []
        for subject, body, parent in DISCUSSIONS.get(story.title, []):
            writers = [m for m in regulars if m.pk != story.author_id]
            posted.append(
                post_comment(
                    story=story,
                    author=writers[len(posted) % len(writers)],
                    subject=subject,
                    body=body,
                    parent=None if parent is None else posted[parent],
                )
            )
    _seed_ladder(stories[0], regulars[:2])
    _seed_ratings(stories, thread, editor, by_name, regulars, rng)
    _seed_community(stories, editor, by_name, sections, topics)


DIARIES = [
    (
        "Alice Moreau",
        "Notes From the Allotment",
        "The first frost came early this year, and the "
        "last of the tomatoes are ripening on the windowsill.",
        "Next year I will plant earlier and closer to the wall, where the bricks keep the warmth.",
    ),
    (
        "Bruno",
        "Learning the Cello at Forty",
        "Three months in, I can play a scale without the cat leaving the room. Progress!",
        "",
    ),
    (
        "Chen Wei",
        "A Walk Along the Old Canal",
        "Two hours, eleven bridges and one heron that refused to be photographed.",
        "The towpath is in better shape than I remembered, and "
        "the lock keepers' cottages have been restored.",
    ),
    (
        "Alice Moreau",
        "Seed Swap on Saturday",
        "Bring envelopes, labels and anything you grew too much of. Tea provided.",
        "",
    ),
]

SUBMISSIONS = [
    # (author, section, title, intro, votes as (member, choice))
    (
        "Dana K",
        "news",
        "Library Card Sign-ups Double After Late Opening Announced",
        "The library reports twice the usual number of new cards since the evening hours were "
        "announced.",
        [("Emeka", 2), ("Farida", 2)],
    ),
    (
        "Emeka",
        "features",
        "The Case for Public Benches",
        "Cities that remove benches lose more than a place to sit. A short argument for rest.",
        [("Bruno", 1), ("Chen Wei", -1), ("Farida", 0)],
    ),
]


def _seed_community(stories, editor, by_name, sections, topics) -> None:
    """Diaries, a queue mid-vote, a story with a poll, a story with an earlier version."""
    from ladle.polls.services import create_poll, vote_in_poll
    from ladle.stories.models import QueueVote
    from ladle.stories.services import submit_story, vote_on_story, write_diary_entry

    for name, title, intro, body in DIARIES:
        write_diary_entry(
            author=by_name[name], title=title, intro=intro, body=body, topics=[topics["Community"]]
        )
    for author, section, title, intro, votes in SUBMISSIONS:
        story = submit_story(
            author=by_name[author],
            title=title,
            intro=intro,
            section=sections[section],
            topics=[topics["Cities"]],
        )
        for voter, choice in votes:
            vote_on_story(story=story, voter=by_name[voter], choice=QueueVote.Choice(choice))
        post_comment(
            story=story,
            author=by_name["Bruno"],
            subject="Source?",
            body="Could you link the library's figures?",
            editorial=True,
        )
    submit_story(
        author=by_name["Farida"],
        title="Draft: Night Buses Explained",
        intro="How the night network works, route by route.",
        section=sections["features"],
        edit_queue=True,
    )

    poll = create_poll(
        editor=editor,
        story=stories[0],
        question="Would you use the library after 8 pm?",
        answers=[
            "Yes, every week",
            "Now and then",
            "No, mornings suit me",
            "I don't use the library",
        ],
    )
    answers = list(poll.answers.all())
    for i, member in enumerate(by_name.values()):
        vote_in_poll(poll=poll, voter=member, answer_ids=[answers[i % 3].pk])

    edited = stories[3]
    save_story(
        editor=editor,
        story=edited,
        title=edited.title,
        intro=edited.intro.replace("every half hour", "every thirty minutes"),
        body="The first trains leave at 8 am; the last return at 11 pm.",
        section=edited.section,
        topics=list(edited.topics.all()),
        status=Story.Status.PUBLISHED,
        published_at=edited.published_at,
    )


def _seed_ratings(stories, thread, editor, by_name, regulars, rng) -> None:
    """Ratings that show every state: rated, unrated, hidden, one trusted, one untrusted member."""
    alice, gus = by_name[TRUSTED], by_name[UNTRUSTED]
    others = [m for m in regulars if m != alice]
    # Alice writes well-received comments until she is trusted (mojo >= 3.5 over 10+).
    for i in range(10):
        comment = post_comment(
            story=stories[0],  # the library story, which these sentences are about
            author=alice,
            subject=SUBJECTS[i % len(SUBJECTS)],
            body=rng.choice(SENTENCES),
        )
        for rater in rng.sample(others, 2):
            rate_comment(comment=comment, rater=rater, value=rng.choice([4, 5, 5]))
    # Gus posts off-topic comments that the editor (staff may hide) rates 0: he becomes untrusted.
    for i in range(10):
        comment = post_comment(
            story=stories[1 + i % 5],
            author=gus,
            subject="Hello all",
            body=OFF_TOPIC[i % len(OFF_TOPIC)],
        )
        rate_comment(comment=comment, rater=editor, value=0)

    # In the big thread: one comment with replies is hidden by two trusted raters ...
    alice.refresh_from_db()
    hidden = (
        Comment.objects.filter(pk__in=[c.pk for c in thread], depth=1, reply_count__gte=1)
        .exclude(author=alice)
        .order_by("number")[:1]
        .get()
    )
    for rater in (editor, alice):
        rate_comment(comment=hidden, rater=rater, value=0)
    # A top comment everyone agrees on, for a "(5.00 / 3)".
    top = next(c for c in thread if c.depth == 0 and c.author_id != alice.pk)
    for rater in [m for m in regulars if m.pk != top.author_id][:3]:
        rate_comment(comment=top, rater=rater, value=5)
    # About half of the others get one to three ratings; the rest stay unrated "(none / 0)".
    for comment in thread:
        if comment in (hidden, top) or rng.random() < 0.5:
            continue
        raters = [m for m in regulars if m.pk != comment.author_id]
        for rater in rng.sample(raters, rng.randint(1, 3)):
            rate_comment(comment=comment, rater=rater, value=rng.choice([2, 3, 4, 4, 5, 5]))
    # The untrusted member's newest comment starts hidden.
    post_comment(story=stories[0], author=gus, subject="Great deals", body=OFF_TOPIC[0])


def _seed_thread(
    story: Story, members: list[User], rng: random.Random, size: int, now
) -> list[Comment]:
    """A discussion nested up to depth 6, posted oldest first over the last few hours."""
    posted: list[Comment] = []
    for _ in range(size):
        parent = None
        if posted and rng.random() < 0.8:
            candidates = [c for c in posted if c.depth < 6]
            # Favour recent comments, as real conversations do.
            parent = rng.choice(candidates[-12:])
        if len(posted) == size - 1 and max((c.depth for c in posted), default=0) < 6:
            parent = max(posted, key=lambda c: c.depth)
        authors = [m for m in members if parent is None or m.pk != parent.author_id]
        body = " ".join(rng.sample(SENTENCES, rng.randint(1, 3)))
        if rng.random() < 0.15:
            body += "\n\n> " + rng.choice(SENTENCES) + "\n\n*Just my two pence.*"
        posted.append(
            post_comment(
                story=story,
                author=rng.choice(authors),
                parent=parent,
                subject=rng.choice(SUBJECTS),
                body=body,
            )
        )
    # Spread the posting times over the hours since the story went up.
    start = story.published_at
    step = (now - start) / (size + 1)
    for i, comment in enumerate(posted, start=1):
        comment.created_at = start + step * i
        Comment.objects.filter(pk=comment.pk).update(created_at=comment.created_at)
    return posted


LADDER = [
    "Does anyone know whether the late opening covers the reading room too?",
    "It does on Thursdays; the reading room closes at eight on the other nights.",
    "Eight is still better than six. Is the café open that late?",
    "Only the vending machines, I'm afraid. The café shuts at five.",
    "Then I'll bring a flask. Are flasks allowed in the reading room?",
    "Lidded cups are, at the tables by the window. Not near the archive boxes.",
    "Fair enough. The window tables are the best ones anyway.",
    "Unless the heating is off. Those windows are old and draughty.",
    "The council said the windows are being replaced next spring.",
    "They said that last spring, and the spring before.",
    "This time there is a line for it in the budget, page forty.",
    "A line in a budget is a promise, not a window.",
    "Granted. But it's a promise with a number next to it.",
    "Numbers move. I'll believe it when I see the scaffolding.",
    "Scaffolding went up at the museum last week, so there's hope.",
    "The museum has its own trust and its own money, though.",
    "True, but the same contractor. They might do both in one go.",
    "That would be sensible, which is why I doubt it.",
    "Ha. Let's meet at the window table in April and see.",
    "Deal. I'll bring the flask; you bring the budget, page forty.",
    "Agreed, and whoever is wrong buys the next round of vending-machine tea.",
]


def _seed_ladder(story: Story, pair: list[User]) -> None:
    """Two members replying to each other, 21 comments deep (depths 0 to 20): the kind of
    thread that must still read well on a phone."""
    parent = None
    for depth, body in enumerate(LADDER):
        parent = post_comment(
            story=story,
            author=pair[depth % 2],
            parent=parent,
            subject="Late opening" if depth == 0 else "Re: Late opening",
            body=body,
        )


class DemoInUse(Exception):
    """Removing the demo would take members' own writing with it."""


def remove_demo() -> dict[str, int]:
    """Take the demo content out of a site that started with it: the demo members and
    everything they wrote, and the demo's sections and topics once nothing uses them. The
    site keeps its News and Diaries sections, its administrators, its settings and boxes.
    Refused when members of the site have written in the demo's threads (their comments
    would go too) or under the demo's sections."""
    from ladle.search.models import SearchEntry
    from ladle.stories.models import StoryVersion

    demo = User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")
    stories = Story.objects.filter(author__in=demo)
    theirs = Comment.objects.filter(story__in=stories).exclude(author__in=demo)
    if count := theirs.count():
        raise DemoInUse(
            f"{count} comment{'s' if count != 1 else ''} by the site's own members are in the "
            "demo's threads; remove them first (or keep the demo)."
        )
    elsewhere = Comment.objects.filter(author__in=demo).exclude(story__in=stories)
    if count := elsewhere.count():
        raise DemoInUse(f"{count} demo comments are in the site's own threads.")
    removed: dict[str, int] = {}
    with transaction.atomic():
        comments = Comment.objects.filter(story__in=stories)
        comment_ids = list(comments.values_list("id", flat=True))
        story_ids = list(stories.values_list("id", flat=True))
        comments.update(parent=None)  # the threads go whole: no reply outlives its parent
        removed["comments"] = comments.delete()[1].get("comments.Comment", 0)
        StoryVersion.objects.filter(story_id__in=story_ids).delete()
        removed["stories"] = (
            Story.objects.filter(id__in=story_ids).delete()[1].get("stories.Story", 0)
        )
        member_ids = list(demo.values_list("id", flat=True))
        SearchEntry.objects.filter(
            Q(kind__in=["story", "diary"], object_id__in=story_ids)
            | Q(kind="comment", object_id__in=comment_ids)
            | Q(kind="member", object_id__in=member_ids)
        ).delete()
        SearchEntry.objects.filter(kind="poll").exclude(
            object_id__in=Poll.objects.values("id")
        ).delete()
        removed["members"] = demo.delete()[1].get("accounts.User", 0)
        keep = {"news", DIARY_SECTION_SLUG}
        demo_sections = [slug for _, slug, _, _ in SECTIONS if slug not in keep]
        removed["sections"] = (
            Section.objects.filter(slug__in=demo_sections, stories__isnull=True).delete()[1]
        ).get("stories.Section", 0)
        removed["topics"] = (
            Topic.objects.filter(name__in=TOPICS, stories__isnull=True).delete()[1]
        ).get("stories.Topic", 0)
    return removed
