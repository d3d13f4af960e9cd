"""Making, using and revoking personal API tokens."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from .models import ApiToken, hash_key


def create_token(*, member, name: str) -> tuple[ApiToken, str]:
    """A new token for `member`; returns it with its key, which is never shown again."""
    if not member.is_member:
        raise PermissionDenied("Only members with a confirmed e-mail address get API tokens.")
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Name the token after the program that will use it."})
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        member=member, name=name[:80], key_hash=hash_key(key), prefix=key[6:14]
    )
    return token, key


def revoke_token(*, token: ApiToken, member) -> None:
    if token.member_id != member.pk:
        raise PermissionDenied("That is not your token.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def member_for_key(key: str):
    """The active member a key belongs to, or None (unknown, revoked, or member suspended)."""
    token = (
        ApiToken.objects.select_related("member")
        .filter(key_hash=hash_key(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.member.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.member
