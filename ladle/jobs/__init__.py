"""Scheduled work: what the site does by itself, daily and weekly, from the background worker."""
