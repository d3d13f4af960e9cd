from django.conf import settings

from .models import Section


def site(request):
    """The site name and, lazily, the section list for the navigation."""
    return {
        "site_name": settings.LADLE_SITE_NAME,
        "nav_sections": lambda: list(Section.objects.all()),
    }
