"""Changing the site's settings: only administrators, every change recorded."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.dispatch import Signal

from .models import SettingChange, SiteSetting
from .registry import BY_NAME
from .values import value

# Sent, inside the change's transaction, with `names`: the settings that changed. Apps whose
# stored data follows a setting (the hidden counts follow the hide threshold) listen.
settings_changed = Signal()


def may_change_settings(user) -> bool:
    return user.is_authenticated and user.is_active and (user.is_superuser or user.role == "admin")


def change_settings(*, admin, values: dict) -> list[str]:
    """Store the values that differ from what is in force; returns the names changed. The
    next request, in any worker process, reads them (`values.SiteSettingsMiddleware`)."""
    if not may_change_settings(admin):
        raise PermissionDenied("Only administrators change the site's settings.")
    changed = []
    with transaction.atomic():
        for name, new in values.items():
            BY_NAME[name]  # only registered settings
            old = value(name)
            if BY_NAME[name].kind == "labels":
                old = {str(k): v for k, v in old.items()}
                new = {str(k): v for k, v in new.items()}
            if old == new:
                continue
            SiteSetting.objects.update_or_create(name=name, defaults={"value": new})
            SettingChange.objects.create(name=name, old=old, new=new, changed_by=admin)
            changed.append(name)
        if changed:
            _this_request_sees(changed)
            settings_changed.send(sender=None, names=changed)
    return changed


def _this_request_sees(names: list[str]) -> None:
    """The rest of this request reads the new values too (listeners recompute with them)."""
    from .values import _this_request

    holder = _this_request.get()
    if holder is not None:
        holder.values = None  # read again, with the new values, when next asked
