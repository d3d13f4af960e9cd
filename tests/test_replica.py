"""The read replica (ladle.replica) serves only reads that may be a moment old: a visitor's
API, feed and search requests. Pages the page cache keeps, members' requests and every write
go to the primary. The replica here is a second connection to the test database."""

import pytest
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.conftest import client_for, make_comment, make_member, make_story


@pytest.fixture
def replica(settings):
    """A second connection to the test database, under the replica's alias."""
    connection = connections.create_connection("default")
    connection.alias = "replica"
    connections["replica"] = connection
    settings.LADLE_REPLICA = True
    yield connection
    connection.close()
    del connections["replica"]


def queries_on_each(client, url, method="get", data=None):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = getattr(client, method)(url, data or {})
    assert response.status_code in (200, 302), (url, response.status_code)
    return len(primary), len(replica)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("url", ["/api/stories", "/feeds/rss/", "/search/?q=harbour"])
def test_a_visitors_api_feed_and_search_reads_come_from_the_replica(replica, url):
    story = make_story("Harbour news")
    make_comment(story, body="The harbour is full.")
    primary, from_replica = queries_on_each(Client(), url)
    assert from_replica > 0
    assert primary == 0


@pytest.mark.django_db(transaction=True)
def test_members_pages_and_writes_stay_on_the_primary(replica, page_cache):
    story = make_story("Harbour news")
    member = make_member("Reader")
    for client, url in [
        (client_for(member), "/api/stories"),  # a member may be reading their own write
        (client_for(member), "/search/?q=harbour"),
        (Client(), story.get_absolute_url()),  # a page the page cache keeps
        (Client(), "/"),
    ]:
        primary, from_replica = queries_on_each(client, url)
        assert from_replica == 0, url
        assert primary > 0, url
    data = {"subject": "Tides", "body": "«high»", "markup": "markdown"}
    url = f"/story/{story.pk}/comments/new/"
    primary, from_replica = queries_on_each(client_for(member), url, "post", data)
    assert from_replica == 0 and primary > 0
