"""Unit tests of the guard's text engine: API shape, validation, language, spans, policy."""

from __future__ import annotations

from datetime import date

import pytest

from rapport.guard import (
    CATEGORIES,
    DEFAULT_POLICY,
    ConsentRef,
    GuardContext,
    StaffMember,
    check,
)


def _categories(text: str, **kwargs: object) -> set[str]:
    return {f.category for f in check(text, **kwargs).findings}  # type: ignore[arg-type]


def test_it_blocks_a_caption_with_a_patient_name() -> None:
    report = check("Congrats to Emma on completing her last round of chemo!")
    assert report.verdict == "block"
    assert [f.category for f in report.findings] == ["person_name"]
    assert report.findings[0].text == "Emma"


def test_every_finding_span_matches_the_original_text() -> None:
    text = (
        "Mrs. Jones (94) was admitted on 3/14/2025 with pneumonia. "
        "Her SSN is 123-45-6789, call her at (555) 201-3344."
    )
    report = check(text)
    assert report.findings
    for finding in report.findings:
        assert text[finding.start : finding.end] == finding.text
    assert [f.start for f in report.findings] == sorted(f.start for f in report.findings)


def test_it_reports_findings_as_a_plain_dict() -> None:
    report = check("Congrats to Emma on completing chemo!")
    data = report.to_dict()
    assert set(data) == {"verdict", "lang", "findings"}
    assert set(data["findings"][0]) == {
        "category", "start", "end", "text", "message", "suggestion", "severity",
    }  # fmt: skip


def test_the_suggestion_reads_well_in_place() -> None:
    text = "Sarah is recovering well after her knee replacement."
    finding = check(text).findings[0]
    rewritten = text[: finding.start] + finding.suggestion + text[finding.end :]
    assert rewritten == "A patient is recovering well after her knee replacement."


def test_categories_have_labels_in_english_and_dutch() -> None:
    for labels in CATEGORIES.values():
        assert labels["en"] and labels["nl"]
    assert set(DEFAULT_POLICY) == set(CATEGORIES)
    assert DEFAULT_POLICY["phone"] == "block"
    assert DEFAULT_POLICY["unverified_contact"] == "warn"


@pytest.mark.parametrize("text", ["", "   \n\t"])
def test_it_rejects_empty_text_with_a_clear_message(text: str) -> None:
    with pytest.raises(ValueError, match="empty"):
        check(text)


def test_it_rejects_text_over_the_limit_naming_it() -> None:
    with pytest.raises(ValueError, match="100,000"):
        check("a" * 100_001)


def test_it_accepts_text_at_the_limit() -> None:
    assert check("a " * 50_000).verdict == "ok"


def test_it_rejects_an_unknown_kind_naming_the_allowed_ones() -> None:
    with pytest.raises(ValueError, match="post, reply, comment"):
        check("Hello", kind="tweet")


def test_it_rejects_an_unknown_lang_naming_the_allowed_ones() -> None:
    with pytest.raises(ValueError, match="auto, en, nl"):
        check("Hello", lang="de")


def test_it_rejects_a_policy_with_an_unknown_category() -> None:
    with pytest.raises(ValueError, match="unknown guard category"):
        check("Hello", context=GuardContext(policy={"nope": "block"}))


def test_it_rejects_a_consent_of_an_unknown_kind() -> None:
    with pytest.raises(ValueError, match="testimonial"):
        ConsentRef(person_name="Emma", kind="selfie")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Thanks to everyone who joined our flu shot clinic this week!", "en"),
        ("Bedankt aan iedereen die deze week naar onze griepprik kwam!", "nl"),
        ("Wij zijn vandaag gesloten in verband met Koningsdag.", "nl"),
        ("We are closed today for the holiday.", "en"),
    ],
)
def test_it_detects_english_and_dutch(text: str, lang: str) -> None:
    assert check(text).lang == lang


def test_an_explicit_language_wins_over_detection() -> None:
    report = check("Congrats to Emma on completing chemo!", lang="nl")
    assert report.lang == "nl"
    assert "patiënt" in report.findings[0].message


def test_messages_follow_the_language_of_the_text() -> None:
    report = check("Gefeliciteerd Sanne, je bent klaar met de chemo!")
    assert report.lang == "nl"
    assert (
        report.findings[0].message != check("Congrats Sanne on finishing chemo").findings[0].message
    )


def test_a_policy_can_turn_a_category_off_or_down() -> None:
    text = "Call 555-201-3344 to book."
    assert check(text).verdict == "warn"
    assert check(text, context=GuardContext(policy={"unverified_contact": "off"})).verdict == "ok"
    blocked = check(text, context=GuardContext(policy={"unverified_contact": "block"}))
    assert blocked.verdict == "block"


def test_deny_terms_block_and_allow_terms_suppress() -> None:
    context = GuardContext(deny_terms=("miracle cure",), allow_terms=("Emma",))
    report = check("A miracle cure! Congrats to Emma on finishing chemo.", context=context)
    assert [f.category for f in report.findings] == ["deny_term"]
    assert report.findings[0].text == "miracle cure"
    assert report.verdict == "block"


def test_staff_from_the_context_are_never_patients() -> None:
    context = GuardContext(staff=(StaffMember("Emma Bakker", "hygienist"),))
    assert check("Emma ran her first marathon after knee surgery!", context=context).verdict == "ok"
    assert check("Emma ran her first marathon after knee surgery!").verdict == "block"


def test_a_valid_consent_allows_a_named_story() -> None:
    text = "Meet Tom, who is back on his bike after his hip replacement."
    consent = ConsentRef("Tom Peters", "story", signed_on=date(2025, 1, 1))
    ok = GuardContext(consents=(consent,), today=date(2025, 6, 1))
    assert check(text, context=ok).verdict == "ok"
    assert _categories(text) == {"consent_missing"}


def test_an_expired_or_revoked_consent_does_not_count() -> None:
    text = "Meet Tom, who is back on his bike after his hip replacement."
    expired = ConsentRef("Tom Peters", "story", expires_on=date(2025, 3, 1))
    revoked = ConsentRef("Tom Peters", "story", revoked_on=date(2025, 5, 1))
    for consent in (expired, revoked):
        context = GuardContext(consents=(consent,), today=date(2025, 6, 1))
        assert check(text, context=context).verdict == "block"


def test_a_consent_for_another_channel_or_kind_does_not_count() -> None:
    text = '"Dr. Lee gave me my smile back!" — Tom P.'
    photo = ConsentRef("Tom Peters", "photo")
    facebook = ConsentRef("Tom Peters", "testimonial", channels=("facebook",))
    on_instagram = GuardContext(consents=(photo, facebook), channel="instagram")
    assert check(text, context=on_instagram).verdict == "block"
    on_facebook = GuardContext(consents=(facebook,), channel="facebook")
    assert check(text, context=on_facebook).verdict == "ok"


def test_a_consent_limited_to_a_purpose_needs_that_purpose() -> None:
    text = '"Best practice in town!" — Anna de Vries'
    consent = ConsentRef("Anna de Vries", "testimonial", purposes=("website",))
    assert check(text, context=GuardContext(consents=(consent,))).verdict == "block"
    allowed = GuardContext(consents=(consent,), purpose="website")
    assert check(text, context=allowed).verdict == "ok"


def test_the_practices_own_contact_details_are_fine() -> None:
    context = GuardContext(
        phones=("(555) 201-3344",),
        emails=("hello@lakesidefp.com",),
        websites=("https://lakesidefp.com",),
        handles=("@lakesidefp",),
        addresses=("200 Lake Shore Drive, Springfield, IL 62704",),
    )
    text = (
        "Questions? Call us at 555-201-3344, email hello@lakesidefp.com, visit "
        "lakesidefp.com/flu or drop by 200 Lake Shore Drive. Follow @lakesidefp!"
    )
    assert check(text, context=context).verdict == "ok"
    assert check(text).verdict == "warn"


def test_the_suggestion_for_an_unknown_number_is_the_practices_own() -> None:
    context = GuardContext(phones=("555-201-3344",))
    finding = check("Call 555-999-1234 for questions.", context=context).findings[0]
    assert finding.category == "unverified_contact"
    assert finding.suggestion == "555-201-3344"


def test_the_today_of_the_context_decides_expiry() -> None:
    consent = ConsentRef("Tom Peters", "story", expires_on=date(2025, 3, 1))
    text = "Meet Tom, who is back on his bike after his hip replacement."
    before = GuardContext(consents=(consent,), today=date(2025, 2, 1))
    after = GuardContext(consents=(consent,), today=date(2025, 4, 1))
    assert check(text, context=before).verdict == "ok"
    assert check(text, context=after).verdict == "block"
