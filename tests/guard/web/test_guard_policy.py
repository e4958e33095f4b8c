"""The guard policy per workspace: severities and terms change verdicts, every change audited."""

from __future__ import annotations

import pytest

from rapport.errors import Conflict, ValidationFailed
from rapport.guard import policy as policies
from rapport.workspaces import audit
from tests.conftest import World, sign_in

PHONE_TEXT = "Private number of our neighbour: 06 12345678."


def verdict(client, headers, text: str) -> str:
    response = client.post(
        "/api/v1/workspaces/ws-a/guard/check", json={"text": text}, headers=headers
    )
    assert response.status_code == 200, response.text
    return str(response.json()["verdict"])


def test_the_default_policy_blocks_phi_and_warns_on_softer_signals(
    client, world, owner_api
) -> None:
    policy = client.get("/api/v1/workspaces/ws-a/guard/policy", headers=owner_api).json()
    assert policy["severities"]["person_name"] == "block"
    assert policy["severities"]["patient_relationship"] == "block"
    assert policy["severities"]["patient_story"] == "warn"
    assert "patient_relationship" in policy["locked"]
    assert policy["categories"]["phone"]


def test_a_policy_change_changes_the_verdict_and_is_audited_with_before_and_after(
    client, db, world: World, owner_api
) -> None:
    assert verdict(client, owner_api, PHONE_TEXT) == "block"
    body = {"severities": {"phone": "warn"}, "deny_terms": ["Project Falcon"], "allow_terms": []}
    response = client.put("/api/v1/workspaces/ws-a/guard/policy", json=body, headers=owner_api)
    assert response.status_code == 200, response.text
    assert response.json()["severities"]["phone"] == "warn"
    assert verdict(client, owner_api, PHONE_TEXT) == "warn"
    assert verdict(client, owner_api, "Big news about Project Falcon soon!") == "block"
    body["severities"] = {"phone": "off"}
    client.put("/api/v1/workspaces/ws-a/guard/policy", json=body, headers=owner_api)
    assert verdict(client, owner_api, PHONE_TEXT) == "ok"
    events, total = audit.list_events(
        db, workspace_id=world.a.id, filters=audit.AuditFilter(action="guard.policy_changed")
    )
    assert total == 2
    latest = events[0].summary
    assert latest["before"]["severities"] == {"phone": "warn"}
    assert latest["after"]["severities"] == {"phone": "off"}
    assert latest["after"]["deny_terms"] == ["Project Falcon"]


def test_saving_the_same_policy_twice_writes_one_event(db, world: World) -> None:
    for _ in range(2):
        policies.update_policy(
            db,
            workspace=world.a,
            actor=world.alice,
            severities={},
            allow_terms=["Open Day"],
            deny_terms=[],
        )
    _events, total = audit.list_events(
        db, workspace_id=world.a.id, filters=audit.AuditFilter(action="guard.policy_changed")
    )
    assert total == 1


@pytest.mark.parametrize(
    ("severities", "loc"),
    [
        ({"person_name": "warn"}, "severities.person_name"),
        ({"patient_relationship": "off"}, "severities.patient_relationship"),
        ({"phone": "maybe"}, "severities.phone"),
        ({"weather": "block"}, "severities.weather"),
    ],
)
def test_a_bad_or_unsafe_policy_is_refused_with_the_field_named(
    client, world: World, owner_api, severities, loc
) -> None:
    body = {"severities": severities}
    response = client.put("/api/v1/workspaces/ws-a/guard/policy", json=body, headers=owner_api)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == loc


def test_the_policy_page_saves_severities_and_terms(client, db, world: World) -> None:
    token = sign_in(client, "alice@example.com")
    response = client.post(
        "/w/ws-a/guard/policy",
        data={
            "csrf_token": token,
            "sev__phone": "warn",
            "deny_terms": "Project Falcon\n\nproject falcon\n",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    policy = policies.get_policy(db, workspace=world.a)
    assert policy.severities["phone"] == "warn"
    assert policy.deny_terms == ("Project Falcon",)
    page = client.get("/w/ws-a/guard/policy")
    assert 'id="sev-phone-warn" value="warn" checked' in page.text


def test_an_override_needs_a_reason_of_ten_characters_and_is_audited(
    client, db, world: World, owner_api
) -> None:
    text = "Questions about our open day? Call +1 555 777 8899."
    url = "/api/v1/workspaces/ws-a/guard/overrides"
    short = client.post(url, json={"text": text, "reason": "fine"}, headers=owner_api)
    assert short.status_code == 422 and short.json()["errors"][0]["loc"] == "reason"
    missing = client.post(url, json={"text": text}, headers=owner_api)
    assert missing.status_code == 422
    done = client.post(
        url, json={"text": text, "reason": "The town hall's events desk."}, headers=owner_api
    )
    assert done.status_code == 201, done.text
    assert done.json()["categories"] == ["unverified_contact"]
    events, total = audit.list_events(
        db, workspace_id=world.a.id, filters=audit.AuditFilter(action="guard.warning_overridden")
    )
    assert total == 1 and "8899" not in str(events[0].summary)


def test_a_blocked_text_can_not_be_overridden(client, world: World, owner_api) -> None:
    body = {"text": PHONE_TEXT, "reason": "I am sure this is fine."}
    response = client.post("/api/v1/workspaces/ws-a/guard/overrides", json=body, headers=owner_api)
    assert response.status_code == 409


def test_record_override_refuses_blocks_and_empty_findings(db, world: World) -> None:
    finding = {"category": "phone", "start": 0, "end": 3, "severity": "block"}
    kwargs = {"workspace": world.a, "actor": world.alice, "text_excerpt_hash": "0" * 64}
    with pytest.raises(Conflict):
        policies.record_override(db, findings=[finding], reason="Long enough reason", **kwargs)
    with pytest.raises(Conflict):
        policies.record_override(db, findings=[], reason="Long enough reason", **kwargs)
    with pytest.raises(ValidationFailed):
        policies.record_override(
            db, findings=[{**finding, "severity": "warn"}], reason="short", **kwargs
        )


def test_the_redacted_excerpt_masks_every_finding() -> None:
    text = "Call Anna on 06 12345678 " + "and more words " * 10
    finding = {"category": "phone", "start": 13, "end": 24}
    excerpt = policies.redacted_excerpt(text, [finding])
    assert "12345678" not in excerpt and "[phone]" in excerpt
    assert len(excerpt) <= policies.EXCERPT_LENGTH


def test_an_allow_term_stops_the_warning_on_that_term(client, world: World, owner_api) -> None:
    text = "Questions about our open day? Call +1 555 777 8899."
    assert verdict(client, owner_api, text) == "warn"
    body = {"allow_terms": ["+1 555 777 8899"]}
    assert (
        client.put("/api/v1/workspaces/ws-a/guard/policy", json=body, headers=owner_api).status_code
        == 200
    )
    assert verdict(client, owner_api, text) == "ok"
