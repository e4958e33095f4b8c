"""The consent registry: record, list, filter, revoke, expiry at check time, the scanned form."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from rapport.core import clock
from rapport.errors import Conflict, ValidationFailed
from rapport.guard import consent as consents
from rapport.guard.context import context_for_workspace
from rapport.workspaces import audit
from tests.conftest import World, sign_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def frozen_day():
    """Noon UTC on 2026-03-10, so "today" is the same date in every time zone we use."""
    clock.set_clock(lambda: datetime(2026, 3, 10, 12, 0, tzinfo=UTC))
    yield date(2026, 3, 10)
    clock.set_clock(None)


def record(db, world: World, name: str = "Eva de Vries", **kwargs) -> consents.Consent:
    data = consents.ConsentInput(
        person_name=name,
        kind=kwargs.pop("kind", "testimonial"),
        signed_on=kwargs.pop("signed_on", date(2026, 1, 5)),
        **kwargs,
    )
    return consents.record_consent(
        db, workspace=world.a, data=data, actor=world.alice, data_dir=Path("/nonexistent")
    )


def test_recording_a_consent_writes_an_audit_event(db, world: World, frozen_day) -> None:
    consent = record(db, world, channels=("Instagram", "facebook"), purposes=("marketing",))
    assert consent.channels == ["facebook", "instagram"]
    events, _ = audit.list_events(
        db, workspace_id=world.a.id, filters=audit.AuditFilter(action="consent.recorded")
    )
    assert events[0].object_id == str(consent.id)
    assert events[0].summary["person_name"] == "Eva de Vries"
    assert events[0].actor_id == world.alice.id


def test_a_consent_is_valid_until_it_expires_and_then_no_longer_counts(
    db, world: World, frozen_day
) -> None:
    record(db, world, expires_on=frozen_day + timedelta(days=1))
    assert [c.person_name for c in consents.valid_consents(db, workspace=world.a)] == [
        "Eva de Vries"
    ]
    assert context_for_workspace(db, workspace=world.a).consents[0].person_name == "Eva de Vries"
    clock.set_clock(lambda: datetime(2026, 3, 12, 12, 0, tzinfo=UTC))
    assert consents.valid_consents(db, workspace=world.a) == []
    assert context_for_workspace(db, workspace=world.a).consents == ()
    expired = consents.list_consents(db, workspace=world.a, status="expired")
    assert [c.status_on(date(2026, 3, 12)) for c in expired] == ["expired"]


def test_revoking_needs_a_reason_ends_validity_today_and_is_audited(
    db, world: World, frozen_day
) -> None:
    consent = record(db, world)
    with pytest.raises(ValidationFailed) as error:
        consents.revoke_consent(
            db, workspace=world.a, consent_id=consent.id, reason=" ", actor=world.alice
        )
    assert error.value.field == "reason"
    consents.revoke_consent(
        db, workspace=world.a, consent_id=consent.id, reason="Asked by phone", actor=world.alice
    )
    assert consent.revoked_on == frozen_day
    assert consents.valid_consents(db, workspace=world.a) == []
    assert consents.list_consents(db, workspace=world.a, status="revoked") == [consent]
    with pytest.raises(Conflict):
        consents.revoke_consent(
            db, workspace=world.a, consent_id=consent.id, reason="Again", actor=world.alice
        )
    events, _ = audit.list_events(
        db, workspace_id=world.a.id, filters=audit.AuditFilter(action="consent.revoked")
    )
    assert events[0].summary["reason"] == "Asked by phone"


def test_an_expired_consent_no_longer_covers_a_quoted_testimonial(
    client, db, world: World, owner_api
) -> None:
    text = '"The team made me feel at home," says Eva de Vries.'
    record(db, world, signed_on=date(2025, 1, 1), expires_on=date(2025, 6, 30))
    db.commit()
    body = {"text": text, "workspace": "ws-a"}
    report = client.post("/api/v1/guard/check", json=body, headers=owner_api).json()
    assert "consent_missing" in {f["category"] for f in report["findings"]}
    record(db, world, signed_on=date(2025, 1, 1))
    db.commit()
    report = client.post("/api/v1/guard/check", json=body, headers=owner_api).json()
    assert "consent_missing" not in {f["category"] for f in report["findings"]}


def test_the_list_filters_by_status_and_searches_by_name(db, world: World, frozen_day) -> None:
    record(db, world, "Eva de Vries")
    record(db, world, "Piet Bakker", expires_on=date(2026, 2, 1))
    record(db, world, "100%_sure")

    def names(**kw):
        return [c.person_name for c in consents.list_consents(db, workspace=world.a, **kw)]

    assert sorted(names()) == ["100%_sure", "Eva de Vries", "Piet Bakker"]
    assert names(status="expired") == ["Piet Bakker"]
    assert sorted(names(status="valid")) == ["100%_sure", "Eva de Vries"]
    assert names(search="bakk") == ["Piet Bakker"]
    assert names(search="%") == ["100%_sure"]
    with pytest.raises(ValidationFailed):
        names(status="lost")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": " "}, "person_name"),
        ({"kind": "selfie"}, "kind"),
        ({"signed_on": None}, "signed_on"),
        ({"signed_on": date(2030, 1, 1)}, "signed_on"),
        ({"expires_on": date(2025, 1, 1)}, "expires_on"),
        ({"channels": ("not a channel!",)}, "channels"),
    ],
)
def test_bad_consent_input_names_the_field(db, world: World, frozen_day, changes, field) -> None:
    changes = dict(changes)  # the parameter is shared by both backends' runs: don't mutate it
    with pytest.raises(ValidationFailed) as error:
        record(db, world, changes.pop("name", "Eva"), **changes)
    assert error.value.field == field


# --- over HTTP ------------------------------------------------------------------------------


def test_the_api_records_lists_and_revokes_consents(client, world: World, owner_api) -> None:
    body = {
        "person_name": "Eva de Vries",
        "kind": "photo",
        "signed_on": "2025-05-01",
        "channels": ["instagram"],
    }
    created = client.post("/api/v1/workspaces/ws-a/consents", json=body, headers=owner_api)
    assert created.status_code == 201, created.text
    consent = created.json()
    assert consent["status"] == "valid" and consent["channels"] == ["instagram"]
    listed = client.get("/api/v1/workspaces/ws-a/consents?status=valid", headers=owner_api).json()
    assert [c["id"] for c in listed] == [consent["id"]]
    url = f"/api/v1/workspaces/ws-a/consents/{consent['id']}/revoke"
    revoked = client.post(url, json={"reason": "Moved away"}, headers=owner_api)
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    again = client.post(url, json={"reason": "Moved away"}, headers=owner_api)
    assert again.status_code == 409


def test_the_api_refuses_a_bad_consent_with_a_clear_422(client, world: World, owner_api) -> None:
    body = {"person_name": "Eva", "kind": "photo", "signed_on": "yesterday"}
    response = client.post("/api/v1/workspaces/ws-a/consents", json=body, headers=owner_api)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == "signed_on"


def test_a_scanned_form_is_stored_and_served_back_only_to_members(
    client, db, world: World, settings
) -> None:
    token = sign_in(client, "alice@example.com")
    response = client.post(
        "/w/ws-a/guard/consents",
        data={
            "csrf_token": token,
            "person_name": "Eva de Vries",
            "kind": "testimonial",
            "signed_on": "2025-05-01",
            "channel_scope": "all",
            "purpose_scope": "all",
        },
        files={"form_file": ("signed form.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    consent = consents.list_consents(db, workspace=world.a)[0]
    assert consent.form_name == "signed form.pdf" and consent.form_type == "application/pdf"
    stored = settings.data_dir / consent.form_path
    assert stored.parent == settings.data_dir / "uploads" / str(world.a.id)
    assert stored.read_bytes() == PDF
    served = client.get(f"/w/ws-a/guard/consents/{consent.id}/form")
    assert served.status_code == 200 and served.content == PDF
    assert served.headers["content-type"] == "application/pdf"
    sign_in(client, "carol@example.com")
    assert client.get(f"/w/ws-a/guard/consents/{consent.id}/form").status_code == 404


def test_a_form_that_is_not_a_pdf_or_image_is_refused_and_nothing_is_recorded(
    client, db, world: World
) -> None:
    token = sign_in(client, "alice@example.com")
    response = client.post(
        "/w/ws-a/guard/consents",
        data={
            "csrf_token": token,
            "person_name": "Eva",
            "kind": "photo",
            "signed_on": "2025-05-01",
            "channel_scope": "all",
            "purpose_scope": "all",
        },
        files={"form_file": ("virus.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")},
    )
    assert response.status_code == 422
    assert 'id="e-form_file"' in response.text and "PDF, JPEG or PNG" in response.text
    assert consents.list_consents(db, workspace=world.a) == []


def test_the_consents_page_lists_badges_and_revokes_with_a_reason(client, db, world: World) -> None:
    token = sign_in(client, "alice@example.com")
    client.post(
        "/w/ws-a/guard/consents",
        data={
            "csrf_token": token,
            "person_name": "Eva de Vries",
            "kind": "photo",
            "signed_on": "2025-05-01",
            "channel_scope": "all",
            "purpose_scope": "all",
        },
    )
    consent = consents.list_consents(db, workspace=world.a)[0]
    page = client.get("/w/ws-a/guard/consents")
    assert "Eva de Vries" in page.text and "text-bg-success" in page.text
    url = f"/w/ws-a/guard/consents/{consent.id}/revoke"
    refused = client.post(url, data={"csrf_token": token, "reason": ""})
    assert refused.status_code == 422
    done = client.post(
        url, data={"csrf_token": token, "reason": "Asked by email"}, follow_redirects=False
    )
    assert done.status_code == 303
    page = client.get("/w/ws-a/guard/consents?status=revoked")
    assert "Eva de Vries" in page.text and "Asked by email" in page.text


def test_the_api_attaches_a_scanned_form_and_serves_it_back(
    client, world: World, owner_api
) -> None:
    body = {"person_name": "Eva de Vries", "kind": "story", "signed_on": "2025-05-01"}
    consent = client.post("/api/v1/workspaces/ws-a/consents", json=body, headers=owner_api).json()
    url = f"/api/v1/workspaces/ws-a/consents/{consent['id']}/form"
    bad = client.post(
        url, files={"form_file": ("x.pdf", b"hello", "application/pdf")}, headers=owner_api
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == "form_file"
    missing = client.post(url, headers=owner_api)
    assert missing.status_code == 422
    attached = client.post(
        url, files={"form_file": ("form.pdf", PDF, "application/pdf")}, headers=owner_api
    )
    assert attached.status_code == 200, attached.text
    assert attached.json()["form_name"] == "form.pdf"
    served = client.get(url, headers=owner_api)
    assert served.status_code == 200 and served.content == PDF
    assert "attachment" in served.headers["content-disposition"]
