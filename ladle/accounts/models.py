"""Members: Ladle's own user model, with the profile and preferences a member sets."""

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, AnonymousUser, UserManager
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import formats, timezone

from ladle.lib.display import AgeSort, Display, RatingSort
from ladle.lib.ranking import Mojo, MojoRules, Trust, trust_level
from ladle.site.registry import RATING_CONTROLS
from ladle.site.values import value

from . import names

# docs/rules.md: letters, digits and single inner spaces.
NAME_PATTERN = r"^[^\W_](?:[^\W_]| (?=[^\W_]))*\Z"
validate_member_name = RegexValidator(
    NAME_PATTERN,
    "Use letters, digits and single spaces between words.",
)

DISPLAY_CHOICES = [(d.value, d.label) for d in Display]
RATING_SORT_CHOICES = [(s.value, s.label) for s in RatingSort]
AGE_SORT_CHOICES = [(a.value, a.label) for a in AgeSort]
HIDDEN_COMMENT_CHOICES = [
    ("until_rated", "Until I have rated them"),
    ("always", "Always"),
    ("never", "Never"),
]

TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


def mojo_rules() -> MojoRules:
    """The site's mojo window and trust thresholds (docs/rules.md, *Mojo and trust*)."""
    return MojoRules(
        window_days=value("mojo_window_days"),
        window_comments=value("mojo_window_comments"),
        trusted_at=value("mojo_trusted_at"),
        untrusted_below=value("mojo_untrusted_below"),
        min_rated_comments=value("mojo_min_rated_comments"),
    )


class MemberManager(UserManager):
    def get_by_natural_key(self, username):
        return self.get(name_key=names.name_key(username))

    def reads_like(self, name: str):
        """Members whose name or display name reads like `name` (docs/rules.md, *Members*)."""
        key = names.name_key(name)
        return self.filter(Q(name_key=key) | Q(display_key=key))


class User(AbstractUser):
    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        EDITOR = "editor", "Editor"
        ADMIN = "admin", "Administrator"

    username = models.CharField(
        "name",
        max_length=40,
        unique=True,
        validators=[validate_member_name],
        help_text="Letters, digits and single spaces; at most 40 characters.",
        error_messages={"unique": "That name is taken."},
    )
    # The name as a reader reads it (`names.name_key`): unique, so no member can take a
    # name that reads like another's, whatever the case, script or compatibility form.
    name_key = models.CharField(max_length=120, unique=True, editable=False)
    email = models.EmailField("e-mail address", unique=True)
    # None until the member follows the link we e-mailed; only then may they post.
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    signup_ip = models.GenericIPAddressField(null=True, blank=True)
    # The one inactive account that comments posted without an account are filed under
    # (each shows the name its poster gave); it never logs in (`guest_member`).
    is_guest = models.BooleanField(default=False, editable=False)

    display_name = models.CharField(max_length=60, blank=True)
    # The display name as a reader reads it (`names.name_key`), so no one shows a name that
    # reads like another member's name or display name.
    display_key = models.CharField(max_length=180, blank=True, db_index=True, editable=False)
    bio = models.TextField(blank=True, max_length=4000)
    homepage = models.URLField(blank=True)
    signature = models.CharField(max_length=160, blank=True)
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        choices=TIME_ZONE_CHOICES,
        help_text="Times are shown in this zone.",
    )

    # Mojo: the weighted mean of recent comment scores (ladle.lib.ranking), kept current by the
    # rating services and a daily refresh. None: no rated comments in the window.
    mojo = models.FloatField(null=True, blank=True, editable=False)
    mojo_comment_count = models.PositiveIntegerField(default=0, editable=False)
    # The standing a member brought from the site they moved from (Scoop's trust level). It
    # holds until Ladle's own mojo has enough rated comments to decide (docs/rules.md).
    carried_trust = models.CharField(
        max_length=10, blank=True, choices=[(t.value, t.value.title()) for t in Trust]
    )

    stories_per_page = models.PositiveSmallIntegerField(
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text="Stories on each page of the front page and other listings (1 to 50).",
    )
    # Comment display preferences (ladle.lib.display).
    comment_display = models.CharField(max_length=20, default="threaded", choices=DISPLAY_CHOICES)
    comment_rating_sort = models.CharField(
        max_length=10, default="highest", choices=RATING_SORT_CHOICES
    )
    comment_age_sort = models.CharField(max_length=10, default="oldest", choices=AGE_SORT_CHOICES)
    large_thread_display = models.CharField(
        max_length=20,
        default="threaded",
        choices=DISPLAY_CHOICES,
        help_text="Used instead of your display mode on stories with more than 200 comments.",
    )
    rating_control = models.CharField(
        "Rate comments with",
        max_length=5,
        blank=True,
        default="",  # as the site has it (the `rating_control` setting)
        choices=[("", "As the site has it"), *RATING_CONTROLS],
        help_text="Menus let you rate many comments and save them with one button; "
        "the link makes pages smaller.",
    )
    default_markup = models.CharField(
        "Write comments in",
        max_length=10,
        default="markdown",
        choices=[("markdown", "Markdown"), ("plain", "Plain text")],
        help_text="The format the comment form starts with.",
    )
    hidden_comments = models.CharField(
        max_length=12,
        default="until_rated",
        choices=HIDDEN_COMMENT_CHOICES,
        help_text="For trusted members: when to show comments the community has hidden.",
    )

    # Notifications (ladle.notifications): what reaches the member, and how.
    reply_email = models.BooleanField("E-mail me replies to my comments", default=True)
    reply_inbox = models.BooleanField("Put replies to my comments in my inbox", default=True)
    queue_email = models.BooleanField("E-mail me what happens to stories I submit", default=True)
    moderator_alerts = models.BooleanField("Moderator alerts (editors only)", default=True)
    digest = models.CharField(
        "Story digest",
        max_length=10,
        default="never",
        choices=[("never", "Never"), ("daily", "Daily"), ("weekly", "Weekly")],
    )
    digest_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    # A suspended member reads but may not post, rate or vote (docs/rules.md, *Abuse control*):
    # until `suspended_until`, or until a moderator lifts it when that is empty.
    suspended_at = models.DateTimeField(null=True, blank=True, editable=False)
    suspended_until = models.DateTimeField(null=True, blank=True, editable=False)
    suspension_reason = models.CharField(max_length=300, blank=True, editable=False)

    objects = MemberManager()  # type: ignore[misc]  # a UserManager, as Django expects

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("username"), name="unique_member_name_ignoring_case"),
            models.UniqueConstraint(Lower("email"), name="unique_member_email_ignoring_case"),
            models.UniqueConstraint(
                fields=["is_guest"], condition=Q(is_guest=True), name="one_guest_member"
            ),
        ]

    def __str__(self) -> str:
        return self.username

    def save(self, *args, **kwargs):
        # The key follows the name on every save that writes the name.
        self.name_key = names.name_key(self.username)
        self.display_key = names.name_key(self.display_name) if self.display_name else ""
        fields = kwargs.get("update_fields")
        if fields is not None and "username" in fields:
            kwargs["update_fields"] = {*fields, "name_key"}
        if fields is not None and "display_name" in fields:
            kwargs["update_fields"] = {*kwargs["update_fields"], "display_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("accounts:member", args=[self.username])

    @property
    def shown_name(self) -> str:
        return self.display_name or self.username

    @property
    def is_member(self) -> bool:
        """A registered reader whose e-mail is confirmed and who is not banned."""
        return self.is_active and self.email_confirmed_at is not None

    @property
    def trust(self) -> Trust:
        """Staff are always trusted; everyone else by their mojo (ladle.lib.ranking), or by the
        standing they brought from an old site while their mojo is too thin to decide."""
        if self.is_editor:
            return Trust.TRUSTED
        rules = mojo_rules()
        if self.carried_trust and self.mojo_comment_count < rules.min_rated_comments:
            return Trust(self.carried_trust)
        return trust_level(Mojo(self.mojo, self.mojo_comment_count), rules)

    @property
    def is_trusted(self) -> bool:
        return self.trust is Trust.TRUSTED

    @property
    def rating_menus(self) -> bool:
        """A rating menu on every comment (and the page's "Rate all"), not a Rate link: the
        member's own choice, else the site's."""
        return (self.rating_control or value("rating_control")) == "menus"

    @property
    def is_editor(self) -> bool:
        return self.is_active and (
            self.is_superuser or self.role in (self.Role.EDITOR, self.Role.ADMIN)
        )

    def is_suspended(self, now=None) -> bool:
        if self.suspended_at is None:
            return False
        return self.suspended_until is None or self.suspended_until > (now or timezone.now())

    def suspension_refusal(self, now=None) -> str:
        """Why this member may not post, rate or vote now ("" if they may), and until when."""
        if not self.is_suspended(now):
            return ""
        until = "until a moderator lifts it"
        if self.suspended_until:
            ends = timezone.localtime(self.suspended_until)
            until = f"until {formats.date_format(ends, 'DATETIME_FORMAT')}"
        return f"Your account is suspended {until}: {self.suspension_reason or 'no reason given'}."

    @property
    def hidden_comment_choice(self) -> str:
        """When this reader sees comments the community hid: a trusted member's own choice
        (always, never, until they have rated them); never for everyone else."""
        return self.hidden_comments if self.is_trusted else "never"


class PostingRecord(models.Model):
    """A member's recent posts and posting lock, for the post throttle (accounts.throttle).
    Its row is locked while a post is judged, so concurrent posts are counted one by one."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # Times (ISO 8601) of the posts inside the throttle window, oldest first.
    comment_times = models.JSONField(default=list)
    story_times = models.JSONField(default=list)
    locked_until = models.DateTimeField(null=True, blank=True)
    lock_minutes = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"posting record of member {self.member_id}"


class LimitCounter(models.Model):
    """Attempts counted under one key (an address, a name) until its window ends
    (accounts.limits)."""

    key = models.CharField(max_length=200, primary_key=True)
    window_ends = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.hits} until {self.window_ends}"


class Visitor(AnonymousUser):
    """A reader who is not logged in. The same questions can be asked of every reader
    (`reader.is_editor`, `reader.is_member`, ...) without checking who it is first."""

    is_member = False
    is_editor = False
    is_trusted = False
    hidden_comment_choice = "never"
    rating_menus = False
    time_zone = ""

    def is_suspended(self, now=None) -> bool:
        return False

    def suspension_refusal(self, now=None) -> str:
        return ""

    stories_per_page = None
    display_name = ""
