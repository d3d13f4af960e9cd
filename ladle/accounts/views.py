from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods

from ladle.comments.models import Comment
from ladle.lib.paging import page_number, window
from ladle.moderation import services as moderation
from ladle.moderation.forms import NoteForm, ReasonForm, SuspendForm
from ladle.moderation.models import MemberNote
from ladle.moderation.pages import act
from ladle.notifications.mail import site_url
from ladle.notifications.services import mark_inbox_read
from ladle.site.values import value
from ladle.stories.models import Story

from . import services
from .forms import LoginForm, ProfileForm, QueuedPasswordResetForm, SignUpForm
from .middleware import client_ip
from .models import User
from .names import name_key


@require_http_methods(["GET", "POST"])
def sign_up(request):
    if request.user.is_authenticated:
        return redirect("stories:front_page")
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_up(
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                ip=client_ip(request),
                base_url=site_url(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            email = form.cleaned_data["email"]  # the same page whether or not it had an account
            return render(request, "accounts/signup_done.html", {"email": email})
    return render(request, "accounts/signup.html", {"form": form})


def confirm_email(request, uidb64: str, token: str):
    user = services.confirm_email(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "accounts/confirm_failed.html", status=400)
    messages.success(request, "Your e-mail address is confirmed. Welcome! You can log in now.")
    return redirect("accounts:login")


class LoginView(auth_views.LoginView):
    # django.contrib.auth.login() rotates the session key, so a planted session id is useless.
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        # Django's view names the site after the request's host; the site has a name.
        return {**super().get_context_data(**kwargs), "site_name": value("site_name")}


def member(request, name: str):
    member = get_object_or_404(User, name_key=name_key(name))
    if member.username != name:
        return redirect(member, permanent=True)
    stories = (
        Story.objects.readable_by(request.user)
        .by_author(member)
        .newest_first()
        .with_listing_relations()[:10]
    )
    comments = window(
        Comment.objects.visible_to(request.user)
        .filter(author=member)
        .select_related("story")
        .order_by("-id"),
        20,
        page_number(request.GET.get("page")),
    )
    staff = {}
    if request.user.is_editor:
        staff = {
            "notes": MemberNote.objects.filter(member=member).select_related("author")[:20],
            "note_form": NoteForm(),
        }
    return render(
        request,
        "accounts/member_detail.html",
        {"member": member, "stories": stories, "comments": comments, **staff},
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_profile(request):
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.update_profile(form=form)
        messages.success(request, "Your profile is saved.")
        return redirect("accounts:edit_profile")
    return render(request, "accounts/profile_form.html", {"form": form})


password_change = auth_views.PasswordChangeView.as_view(
    template_name="accounts/password_change.html",
    success_url=reverse_lazy("accounts:password_change_done"),
)
password_change_done = auth_views.PasswordChangeDoneView.as_view(
    template_name="accounts/message.html",
    extra_context={"title": "Password changed", "text": "Your new password is in use."},
)


class PasswordResetView(auth_views.PasswordResetView):
    """Reset links use the site's configured public address, never the request's Host."""

    def form_valid(self, form):
        self.extra_email_context = {"site_url": site_url()}
        return super().form_valid(form)


password_reset = PasswordResetView.as_view(
    form_class=QueuedPasswordResetForm,
    template_name="accounts/password_reset.html",
    email_template_name="accounts/email/password_reset.txt",
    subject_template_name="accounts/email/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/message.html",
    extra_context={
        "title": "Check your e-mail",
        "text": "If an account uses that address, we sent it a link to choose a new password.",
    },
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    success_url=reverse_lazy("accounts:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/message.html",
    extra_context={"title": "Password set", "text": "Your new password is set. You can log in."},
)


@login_required
def inbox(request):
    """The member's in-site messages; opening the inbox marks them read."""
    notifications = mark_inbox_read(member=request.user)
    return render(request, "accounts/inbox.html", {"notifications": notifications})


def _member_for_staff(request, name: str) -> User:
    if not request.user.is_editor:
        raise PermissionDenied("Only moderators do this.")
    return get_object_or_404(User, name_key=name_key(name))


@login_required
@require_http_methods(["GET", "POST"])
def suspend(request, name: str):
    member = _member_for_staff(request, name)
    return act(
        request,
        SuspendForm(request.POST if request.method == "POST" else None),
        lambda data: services.suspend_member(
            member=member, moderator=request.user, reason=data["reason"], days=data["days"]
        ),
        heading=f"Suspend {member.username}",
        about="They may still read, but not post, rate or vote; they are told why.",
        button="Suspend",
        danger=True,
        back=member.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def lift(request, name: str):
    member = _member_for_staff(request, name)
    return act(
        request,
        ReasonForm(request.POST if request.method == "POST" else None),
        lambda data: services.lift_suspension(
            member=member, moderator=request.user, reason=data["reason"]
        ),
        heading=f"Lift the suspension of {member.username}",
        about=member.suspension_refusal(),
        button="Lift the suspension",
        back=member.get_absolute_url(),
    )


@login_required
@require_http_methods(["POST"])
def add_note(request, name: str):
    member = _member_for_staff(request, name)
    return act(
        request,
        NoteForm(request.POST),
        lambda data: moderation.add_note(member=member, author=request.user, text=data["text"]),
        heading=f"A staff note on {member.username}",
        button="Add the note",
        back=member.get_absolute_url(),
    )
