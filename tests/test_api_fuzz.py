"""Schemathesis over /api/openapi.json with a signed-in owner token: no 500, no schema breaks."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from rapport.workspaces import access
from tests.conftest import World

EXAMPLES_PER_OPERATION = 20
# Schema-valid is not domain-valid (a string can be an unknown time zone), so a 422 with a
# documented problem body is a right answer; everything else is checked.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]


def test_the_api_never_fails_and_keeps_to_its_schema(app, world: World, db) -> None:  # type: ignore[no-untyped-def]
    _token, raw = access.create_api_token(
        db, workspace=world.a, name="fuzz", role="owner", actor=world.alice
    )
    db.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, "the API schema lists no operations"
    failures = {}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def run(case: schemathesis.Case) -> None:
            if "slug" in (case.path_parameters or {}):
                case.path_parameters["slug"] = "ws-a"
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except Exception as exc:  # collect every operation's failure, report them together
            failures[operation.label] = str(exc)[:2000]
    assert failures == {}
