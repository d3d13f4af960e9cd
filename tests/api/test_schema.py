"""Schemathesis drives every API operation with generated requests, through the WSGI app.

No request may produce a server error, and every response must match the OpenAPI schema
(status code documented, body shaped as declared, JSON content type).
"""

import json

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ladle.api.api import api
from ladle.api.services import create_token
from ladle.comments.services import rate_comment
from ladle.polls.services import create_poll
from ladle.wsgi import application
from tests.conftest import make_comment, make_editor, make_member, make_story

# The schema as the site serves it at /api/openapi.json, read from the API itself: collecting
# tests may not use the database, and serving a page reads the site's settings.
schema = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema())))
schema.app = application
schema.location = "/api/openapi.json"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def wsgi_keeps_test_connection():
    """Calling the WSGI app directly fires request_finished, whose handler closes database
    connections; that would close the test's own. Django's test client does the same."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_key(db, wsgi_keeps_test_connection):
    """Some content with low ids for generated requests to find, and a member's token."""
    story = make_story("Schema story", body="Body.")
    top = make_comment(story)
    make_comment(story, parent=top)
    rate_comment(comment=top, rater=make_member(), value=3)
    create_poll(editor=make_editor(), question="Q?", answers=["A", "B"], story=story)
    _, key = create_token(member=make_member(), name="schemathesis")
    return key


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_never_errs_and_matches_its_schema(case, api_key):
    # Plain bodies: the WSGI call hands schemathesis the bytes as sent, without gunzipping.
    headers = {"Authorization": f"Bearer {api_key}", "Accept-Encoding": "identity"}
    case.call_and_validate(headers=headers, checks=CHECKS)
