import re
import zoneinfo
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from .registry import EDITABLE, Editable
from .values import value

_THRESHOLD = re.compile(r"-?\d{1,6}(\.\d+)?%?\Z")


def _field(editable: Editable) -> forms.Field:
    common: dict[str, Any] = {"label": editable.label, "help_text": editable.help}
    if editable.kind == "int":
        low, high = editable.low, editable.high
        return forms.IntegerField(
            min_value=None if low is None else int(low),
            max_value=None if high is None else int(high),
            **common,
        )
    if editable.kind == "float":
        return forms.FloatField(min_value=editable.low, max_value=editable.high, **common)
    if editable.kind == "choice":
        return forms.ChoiceField(choices=editable.choices, **common)
    if editable.kind == "zone":
        zones = sorted(zoneinfo.available_timezones())
        return forms.ChoiceField(choices=[(z, z) for z in zones], **common)
    if editable.kind == "labels":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=600, **common)
    return forms.CharField(max_length=100, required=not editable.blank, **common)


class SiteSettingsForm(forms.Form):
    """Every editable setting, grouped as the registry lists them, filled with what is in
    force now."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for editable in EDITABLE:
            self.fields[editable.name] = _field(editable)
            current = value(editable.name)
            if editable.kind == "labels":
                current = "\n".join(label for _, label in sorted(current.items()))
            self.fields[editable.name].initial = current
            self.fields[editable.name].group = editable.group  # type: ignore[attr-defined]

    def groups(self):
        seen: dict[str, list] = {}
        for editable in EDITABLE:
            seen.setdefault(editable.group, []).append(self[editable.name])
        return seen.items()

    def clean(self):
        data = super().clean()
        for editable in EDITABLE:
            raw = data.get(editable.name)
            if raw is None:
                continue
            if editable.kind == "threshold" and not _THRESHOLD.match(str(raw).strip()):
                self.add_error(editable.name, "A whole number of votes (4) or a share (2%).")
            if editable.kind == "labels":
                labels = [line.strip() for line in str(raw).splitlines() if line.strip()]
                if not 3 <= len(labels) <= 11:
                    self.add_error(
                        editable.name, "Give 3 to 11 labels: the hide rating first, then 1 up."
                    )
                else:
                    data[editable.name] = dict(enumerate(labels))
        posted_at, hidden_at = data.get("queue_post_at"), data.get("queue_hide_at")
        if posted_at and hidden_at and not self.errors:
            number = lambda t: float(str(t).rstrip("%"))  # noqa: E731
            if number(posted_at) <= 0 or number(hidden_at) >= 0:
                raise ValidationError("The queue publishes above zero and hides below it.")
        return data
