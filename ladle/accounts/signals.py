"""What the accounts app tells the apps above it (which it may not import)."""

from django.dispatch import Signal

# Sent with `member` when what readers see of them beside their writing changed (their name,
# display name or signature), inside the change's transaction: pages that show it follow.
shown_name_changed = Signal()
