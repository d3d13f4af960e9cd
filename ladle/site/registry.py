"""Which settings an administrator may change in the site, each with its default (a Django
setting, so the environment and tests still set defaults), its kind and its bounds."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Editable:
    name: str
    label: str
    group: str
    # "text", "int", "float", "threshold" (a number or a percentage), "zone", "labels", "choice"
    kind: str
    default: str  # where the default lives: a Django setting, "LADLE_MOJO.window_days" for a key
    low: float | None = None
    high: float | None = None
    help: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    blank: bool = False  # may be left empty (text only)


# How a member rates comments (the site's choice, and each member's own).
RATING_CONTROLS = (
    ("link", "A Rate link on each comment"),
    ("menus", "A rating menu on each comment and one “Rate all” button (as on Scoop)"),
)

EDITABLE = [
    Editable("site_name", "Site name", "The site", "text", "LADLE_SITE_NAME"),
    Editable("tagline", "Tagline", "The site", "text", "LADLE_SITE_TAGLINE", blank=True,
             help="A line under the site's name, such as 'Politics, law and the courts'."),
    Editable("time_zone", "Time zone for visitors", "The site", "zone", "TIME_ZONE",
             help="Members choose their own; this is for readers who are not logged in."),
    Editable("stories_per_page", "Stories per page", "The site", "int",
             "LADLE_STORIES_PER_PAGE", 1, 50),
    Editable("rating_labels", "Rating labels", "Ratings", "labels", "LADLE_RATING_LABELS",
             help="One per line, from 0 (hide) up: 'Hide', 'Worthless', ... 'Excellent'."),
    Editable("hide_threshold", "Hide comments whose mean is below", "Ratings", "float",
             "LADLE_HIDE_THRESHOLD", 0, 5),
    Editable("hide_rating_by", "Who may give the hide rating (0)", "Ratings", "choice",
             "LADLE_HIDE_RATING_BY",
             choices=(("trusted", "Trusted members and staff"), ("editors", "Staff only"))),
    Editable("rating_control", "Members rate comments with", "Ratings", "choice",
             "LADLE_RATING_CONTROL", choices=RATING_CONTROLS,
             help="Each member may choose otherwise in their profile. Menus are what members "
                  "of a Scoop site know; the link makes pages about half as big."),
    Editable("large_thread", "A large thread has more comments than", "Ratings", "int",
             "LADLE_LARGE_THREAD", 10, 100000),
    Editable("mojo_window_days", "Mojo counts comments of the last ... days", "Mojo", "int",
             "LADLE_MOJO.window_days", 1, 3650),
    Editable("mojo_window_comments", "Mojo counts at most ... comments", "Mojo", "int",
             "LADLE_MOJO.window_comments", 1, 1000),
    Editable("mojo_trusted_at", "Trusted from mojo", "Mojo", "float", "LADLE_MOJO.trusted_at",
             0, 5),
    Editable("mojo_untrusted_below", "Untrusted below mojo", "Mojo", "float",
             "LADLE_MOJO.untrusted_below", 0, 5),
    Editable("mojo_min_rated_comments", "Trust needs at least ... rated comments", "Mojo",
             "int", "LADLE_MOJO.min_rated_comments", 1, 1000),
    Editable("archive_days", "Stories take no more comments after ... days (0: never)",
             "Comments", "int", "LADLE_ARCHIVE_DAYS", 0, 36500),
    Editable("comment_edit_minutes", "Authors may edit a comment for ... minutes", "Comments",
             "int", "LADLE_COMMENT_EDIT_MINUTES", 0, 1440),
    Editable("queue_post_at", "The queue publishes at", "The queue", "threshold",
             "LADLE_QUEUE_POST_AT", help="Votes (4), or a share of active members (2%)."),
    Editable("queue_hide_at", "The queue hides at", "The queue", "threshold",
             "LADLE_QUEUE_HIDE_AT", help="Negative: -2, or -2%."),
    Editable("edit_queue_hours", "The edit queue lasts ... hours", "The queue", "int",
             "LADLE_EDIT_QUEUE_HOURS", 0, 720),
    Editable("signups_per_ip_per_day", "New accounts per address per day", "Abuse control",
             "int", "LADLE_SIGNUPS_PER_IP_PER_DAY", 0, 1000),
    Editable("throttle_comments", "Comments allowed in the throttle window", "Abuse control",
             "int", "LADLE_THROTTLE.comments", 1, 1000),
    Editable("throttle_stories", "Stories and diary entries allowed in the window",
             "Abuse control", "int", "LADLE_THROTTLE.stories", 1, 1000),
    Editable("throttle_window_minutes", "The throttle window, in minutes", "Abuse control",
             "int", "LADLE_THROTTLE.window_minutes", 1, 1440),
    Editable("throttle_first_lock_minutes", "The first lock, in minutes", "Abuse control", "int",
             "LADLE_THROTTLE.first_lock_minutes", 1, 1440),
    Editable("throttle_suspend_at_minutes", "Suspend when a lock would reach ... minutes",
             "Abuse control", "int", "LADLE_THROTTLE.suspend_at_minutes", 2, 100000),
    Editable("new_member_days", "New members are new for ... days", "Abuse control", "int",
             "LADLE_NEW_MEMBER_DAYS", 0, 365),
    Editable("new_member_links", "Links a new member may put in a comment", "Abuse control",
             "int", "LADLE_NEW_MEMBER_LINKS", 0, 100),
    Editable("guest_comments", "New sections take comments without an account",
             "Anonymous posting", "choice", "LADLE_GUEST_COMMENTS",
             choices=(("off", "No"), ("held", "Yes, held for a moderator"),
                      ("open", "Yes, shown at once")),
             help="Each section has its own choice (in the admin's section form); this is the "
                  "choice new sections start with."),
    Editable("guest_comments_per_hour", "Comments without an account, per address per hour",
             "Anonymous posting", "int", "LADLE_GUEST_COMMENTS_PER_HOUR", 0, 1000),
    Editable("guest_links", "Links a comment without an account may hold", "Anonymous posting",
             "int", "LADLE_GUEST_LINKS", 0, 100),
]  # fmt: skip
BY_NAME = {editable.name: editable for editable in EDITABLE}
