from django.http import HttpResponsePermanentRedirect

from .links import new_address_for_path, new_address_for_query


class OldLinksMiddleware:
    """A 301 to the new page for an old site's address: a path that matched nothing here, or
    the front page asked for with Scoop's `?op=` or WordPress's `?p=` parameters."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reading = request.method in ("GET", "HEAD")
        query = request.META.get("QUERY_STRING", "")
        if reading and request.path == "/" and query:
            target = new_address_for_query(query)
            if target:
                return HttpResponsePermanentRedirect(target)
        response = self.get_response(request)
        if reading and response.status_code == 404:
            target = new_address_for_path(request.path)
            if target:
                return HttpResponsePermanentRedirect(target)
        return response
