"""The Compliance pages: they render, the live partial marks risky spans, forms need CSRF."""

from __future__ import annotations

import re

import pytest

from rapport.workspaces import audit
from tests.conftest import World, sign_in
from tests.guard.web.test_guard_check_api import RISKY, astronaut_jpeg

PAGES = [
    "/w/ws-a/guard/check",
    "/w/ws-a/guard/image",
    "/w/ws-a/guard/consents",
    "/w/ws-a/guard/policy",
]


@pytest.mark.parametrize("path", PAGES)
def test_each_compliance_page_renders_for_the_owner(client, world: World, path) -> None:
    sign_in(client, "alice@example.com")
    page = client.get(path)
    assert page.status_code == 200, page.text
    assert "Check a text" in page.text and "Consents" in page.text  # the tabs
    assert 'aria-current="page"' in page.text
    assert "style=" not in page.text, "the CSP forbids inline styles"
    assert "<script>" not in page.text, "the CSP forbids inline scripts"


def test_the_compliance_section_opens_on_check_a_text(client, world: World) -> None:
    sign_in(client, "alice@example.com")
    response = client.get("/w/ws-a/guard", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/w/ws-a/guard/check"


def test_every_input_on_the_pages_has_a_label(client, world: World) -> None:
    sign_in(client, "alice@example.com")
    for path in PAGES:
        html = client.get(path).text
        for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
            if 'type="hidden"' in tag:
                continue
            found = re.search(r'\bid="([^"]+)"', tag)
            assert found, f"{path}: no id on {tag}"
            assert f'for="{found.group(1)}"' in html, f"{path}: no label for {found.group(1)}"


def test_the_checker_textarea_posts_to_the_live_partial(client, world: World) -> None:
    sign_in(client, "alice@example.com")
    html = client.get("/w/ws-a/guard/check").text
    assert 'hx-post="/w/ws-a/guard/check/partial"' in html
    assert "delay:300ms" in html
    assert 'src="/static/guard.js"' in html


def test_the_live_partial_marks_the_risky_span_with_its_message_and_rewrite(
    client, world: World
) -> None:
    token = sign_in(client, "alice@example.com")
    response = client.post(
        "/w/ws-a/guard/check/partial",
        data={"guard_field": "caption", "caption": RISKY, "guard_target": "guard-caption-text"},
        headers={"X-CSRF-Token": token, "HX-Request": "true"},
    )
    assert response.status_code == 200, response.text
    html = response.text
    assert "<html" not in html, "a fragment, not a page"
    assert re.search(r"<mark [^>]*>Maria Jansen<span", html)
    assert "Blocked" in html
    assert "Use safer wording" in html
    assert 'data-target="guard-caption-text"' in html
    start = RISKY.index("Maria Jansen")
    assert f'data-start="{start}"' in html and f'data-end="{start + 12}"' in html


def test_the_live_partial_says_looks_safe_for_a_safe_text(client, world: World) -> None:
    token = sign_in(client, "alice@example.com")
    response = client.post(
        "/w/ws-a/guard/check/partial",
        data={"guard_field": "text", "text": "Drink water on hot days and wear sunscreen."},
        headers={"X-CSRF-Token": token},
    )
    assert "Looks safe" in response.text
    assert "<mark" not in response.text


def test_the_live_partial_explains_a_too_long_text_instead_of_failing(client, world: World) -> None:
    token = sign_in(client, "alice@example.com")
    response = client.post(
        "/w/ws-a/guard/check/partial",
        data={"guard_field": "text", "text": "word " * 30_000},
        headers={"X-CSRF-Token": token},
    )
    assert response.status_code == 200
    assert "100,000" in response.text


def test_the_check_page_works_without_javascript(client, world: World) -> None:
    token = sign_in(client, "alice@example.com")
    page = client.post("/w/ws-a/guard/check", data={"csrf_token": token, "text": RISKY})
    assert page.status_code == 200
    assert "Blocked" in page.text and "<mark" in page.text


def test_an_empty_text_on_the_check_page_names_the_field(client, world: World) -> None:
    token = sign_in(client, "alice@example.com")
    page = client.post("/w/ws-a/guard/check", data={"csrf_token": token, "text": ""})
    assert page.status_code == 422
    assert "is-invalid" in page.text and "The text is empty" in page.text


def test_a_form_post_without_the_csrf_token_is_refused(client, world: World) -> None:
    sign_in(client, "alice@example.com")
    for path, data in [
        ("/w/ws-a/guard/check", {"text": RISKY}),
        ("/w/ws-a/guard/policy", {"deny_terms": "x"}),
        ("/w/ws-a/guard/consents", {"person_name": "Eva", "kind": "photo"}),
        ("/w/ws-a/guard/override", {"text": "x", "reason": "a good reason"}),
    ]:
        assert client.post(path, data=data).status_code == 403, path


def test_the_image_page_shows_the_cleaned_image_with_faces_boxed(client, world: World) -> None:
    token = sign_in(client, "alice@example.com")
    files = {"file": ("astronaut.jpg", astronaut_jpeg(), "image/jpeg")}
    page = client.post("/w/ws-a/guard/image", data={"csrf_token": token}, files=files)
    assert page.status_code == 200, page.text
    assert 'src="data:image/jpeg;base64,' in page.text
    assert '<rect class="rp-face"' in page.text
    assert "Blocked" in page.text
    assert 'name="image_token"' in page.text
    assert "style=" not in page.text


def test_linking_a_photo_consent_unblocks_the_faces_without_a_new_upload(
    client, db, world: World
) -> None:
    token = sign_in(client, "alice@example.com")
    client.post(
        "/w/ws-a/guard/consents",
        data={
            "csrf_token": token,
            "person_name": "Eileen Collins",
            "kind": "photo",
            "signed_on": "2020-01-01",
            "channel_scope": "all",
            "purpose_scope": "all",
        },
    )
    files = {"file": ("astronaut.jpg", astronaut_jpeg(), "image/jpeg")}
    first = client.post("/w/ws-a/guard/image", data={"csrf_token": token}, files=files)
    image_token = re.search(r'name="image_token" value="([^"]+)"', first.text).group(1)
    consent_id = re.search(r'name="consent_ids" value="(\d+)"', first.text).group(1)
    again = client.post(
        "/w/ws-a/guard/image",
        data={"csrf_token": token, "image_token": image_token, "consent_ids": consent_id},
    )
    assert again.status_code == 200, again.text
    assert "A face is visible without a linked consent" not in again.text
    assert "checked" in again.text


def test_a_non_image_upload_on_the_image_page_names_the_file_field(client, world: World) -> None:
    token = sign_in(client, "alice@example.com")
    files = {"file": ("x.png", b"not an image at all", "image/png")}
    page = client.post("/w/ws-a/guard/image", data={"csrf_token": token}, files=files)
    assert page.status_code == 422
    assert 'id="e-file"' in page.text


def test_an_approver_overrides_a_warning_with_a_reason(client, db, world: World) -> None:
    token = sign_in(client, "alice@example.com")
    text = "Questions about our open day? Call +1 555 777 8899."
    check = client.post(
        "/api/v1/workspaces/ws-a/guard/check", json={"text": text}, headers={"X-CSRF-Token": token}
    )
    assert check.json()["verdict"] == "warn", check.json()
    page = client.post("/w/ws-a/guard/check", data={"csrf_token": token, "text": text})
    assert "Override the warning" in page.text
    short = client.post(
        "/w/ws-a/guard/override", data={"csrf_token": token, "text": text, "reason": "ok"}
    )
    assert short.status_code == 422 and "at least 10 characters" in short.text
    done = client.post(
        "/w/ws-a/guard/override",
        data={
            "csrf_token": token,
            "text": text,
            "reason": "This is the events desk of the town hall.",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    events, _total = audit.list_events(
        db, workspace_id=world.a.id, filters=audit.AuditFilter(action="guard.warning_overridden")
    )
    assert len(events) == 1
    summary = events[0].summary
    assert "555 777 8899" not in str(summary), "the audit trail never holds the flagged text"
    assert summary["categories"] == ["unverified_contact"]
    assert summary["reason"] == "This is the events desk of the town hall."
    assert len(summary["text_sha256"]) == 64
    assert "[unverified_contact]" in summary["excerpt"]


def test_the_live_partial_marks_the_original_characters_of_a_disguised_text(
    client, world: World
) -> None:
    hidden = "So proud of Mаria Jan\u200bsen, who beat her breast cancer after chemotherapy!"
    token = sign_in(client, "alice@example.com")
    response = client.post(
        "/w/ws-a/guard/check/partial",
        data={"guard_field": "text", "text": hidden, "guard_target": "guard-text-text"},
        headers={"X-CSRF-Token": token, "HX-Request": "true"},
    )
    html = response.text
    assert "Blocked" in html
    # One mark over the name as typed: the Cyrillic "а" and the zero-width space inside it.
    assert re.search(r"<mark [^>]*>Mаria Jan\u200bsen,?<span", html), html
    assert "Look-alike letters from another alphabet" in html
    assert "Invisible characters inside a word" in html
    assert 'data-suggestion="Jansen,"' in html
    start = hidden.index("Mаria")
    assert f'data-start="{start}"' in html
