from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import models

from .models import User
from .services import save_member_fields


@admin.register(User)
class MemberAdmin(UserAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("username", "email", "role", "email_confirmed_at", "is_active", "date_joined")
    list_filter = ("role", "is_active", "is_staff")
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (
            "Ladle",
            {
                "fields": (
                    "role",
                    "email_confirmed_at",
                    "signup_ip",
                    "display_name",
                    "bio",
                    "homepage",
                    "signature",
                    "time_zone",
                )
            },
        ),
    )

    def save_model(self, request, obj, form, change):
        # Only what the form changed: mojo is the rating services' to write.
        save_member_fields(member=obj, fields=form.changed_data if change else None)
