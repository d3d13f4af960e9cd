from django.contrib import admin
from django.db import models

from .models import Box


@admin.register(Box)
class BoxAdmin(admin.ModelAdmin):
    """The site settings for the sidebar: each box's text, order and visibility."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    list_display = ("title", "kind", "position", "visible")
    list_editable = ("position", "visible")
    fields = ("kind", "title", "text", "link_url", "link_text", "position", "visible")
