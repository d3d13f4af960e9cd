from .models import LogEntry


def log_action(*, moderator, action: str, target: str, reason: str, url: str = "") -> LogEntry:
    """Record a moderator action on the public log (call inside the action's transaction)."""
    return LogEntry.objects.create(
        moderator=moderator, action=action, target=target[:300], reason=reason, url=url
    )
