from django.core.paginator import Page, Paginator
from django.shortcuts import render

from ladle.comments.models import hidden_search_exceptions
from ladle.stories.models import Section, access_levels

from . import query
from .forms import SearchForm

PER_PAGE = 20


class _Hits:
    """Gives Django's paginator the total without it counting again."""

    def __init__(self, total):
        self.total = total

    def count(self):
        return self.total


def search(request):
    form = SearchForm(request.GET or None)
    context = {"form": form, "hits": None}
    if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
        data = form.cleaned_data
        text, shortened = query.clean_text(data["q"])
        if not query.has_terms(text):
            context["message"] = "Type one or more words to search for."
        else:
            try:
                number = max(1, int(request.GET.get("page", 1)))
            except ValueError:
                number = 1
            search = query.Search(
                text=text,
                kinds=[data["kind"]] if data["kind"] else [],
                section_id=data["section"].pk if data["section"] else None,
                author_id=data["author"].pk if data["author"] else None,
                date_from=data["date_from"],
                date_to=data["date_to"],
                newest_first=data["order"] == "newest",
            )
            search.hidden_mode, search.hidden_ids = hidden_search_exceptions(request.user)
            levels = access_levels(request.user)
            sections = Section.objects.values_list("pk", flat=True)
            search.closed_story_sections = list(sections.exclude(read_stories__in=levels))
            search.closed_comment_sections = list(sections.exclude(read_comments__in=levels))
            hits, total = query.run(search, offset=(number - 1) * PER_PAGE, limit=PER_PAGE)
            paginator = Paginator(_Hits(total), PER_PAGE)
            context.update(
                hits=hits,
                total=total,
                more=total >= query.WINDOW,  # only the newest matches were counted
                shortened=shortened,
                page=Page(hits, number, paginator),
                query_string=_without_page(request),
            )
            if shortened:
                context["message"] = (
                    f"Your search was long: only its first {query.MAX_QUERY} characters were used."
                )
    return render(request, "search/search.html", context)


def _without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
