from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ladle.accounts.models import User, mojo_rules
from ladle.comments.services import refresh_mojo


class Command(BaseCommand):
    help = "Recompute every member's mojo so the rating window moves (run daily)."

    def handle(self, *args, **options):
        now = timezone.now()
        # Members with a mojo (it may need to expire) or with a comment inside the window.
        since = now - timedelta(days=mojo_rules().window_days + 1)
        members = User.objects.filter(
            Q(mojo__isnull=False) | Q(comments__created_at__gte=since)
        ).distinct()
        changed = 0
        for member_id in members.values_list("pk", flat=True).iterator():
            with transaction.atomic():
                member = User.objects.select_for_update().get(pk=member_id)
                before = (member.mojo, member.mojo_comment_count)
                mojo = refresh_mojo(member=member, now=now)
                changed += before != (mojo.value, mojo.rated_comments)
        self.stdout.write(f"Mojo refreshed; {changed} member(s) changed.")
