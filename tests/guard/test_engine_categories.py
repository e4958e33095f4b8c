"""One positive and one look-alike negative per category, in English and Dutch."""

from __future__ import annotations

import pytest

from rapport.guard import GuardContext, StaffMember, check


def _found(text: str, kind: str = "post", context: GuardContext | None = None) -> set[str]:
    return {f.category for f in check(text, kind=kind, context=context).findings}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("So proud of Jessica Alvarez, who finished chemo today!", "person_name"),
        ("Beterschap meneer Hendriks, sterkte met het revalideren na uw beroerte.", "person_name"),
        ("Our patient Derek just celebrated one year sober!", "person_name"),
        ("Onze patiënte Truus heeft een nieuwe bril.", "person_name"),
        ("Xiomara's chemo is finally over!", "person_name"),
        ("Hope you feel better soon @tanyaj_83, rest up after that extraction!", "handle"),
        ("Jamal, 45, of 1418 Birch Avenue collapsed in our lobby.", "address"),
        ("Henk Postma woont op de Kerkstraat 14 en is gisteren opgenomen.", "address"),
        ("Mr. Hayes was admitted on March 3, 2025 with pneumonia.", "date"),
        ("Mevrouw Smit is op 14 maart 2025 geopereerd aan haar heup.", "date"),
        ("Born 2019-04-12, little Sophie is our newest patient.", "date"),
        ("Our oldest patient, 103-year-old Ruth, got her flu shot.", "age"),
        ("Mevrouw de Vries (94) is weer thuis.", "age"),
        ("Ms. Alvarez, your biopsy is back: call her cell at 555-820-1177.", "phone"),
        ("Email sarah.b@gmail.com, she runs her gastric sleeve support group.", "email"),
        ("Her SSN is 512-44-9023.", "national_id"),
        ("BSN 111222333 gevonden op de balie.", "national_id"),
        ("MRN: 00482913 was left on the printer.", "record_number"),
        ("Polisnummer 778812345 ligt bij de receptie.", "record_number"),
        ("Hearing aid serial number HA-2291-7744 found in the waiting room.", "device_id"),
        ("Wie heeft de auto met kenteken 12-ABC-3 geparkeerd?", "device_id"),
        ("Mrs. Carter, we blocked logins to your account from 192.168.14.22.", "ip_address"),
        ("Read Anna's story: lakesidefp.com/stories/anna-gastric-bypass", "url"),
        ("Call 555-314-9920 with questions.", "unverified_contact"),
        ("Before and after six months of Invisalign!", "patient_story"),
        ('"Best dentist in town!" — Sarah M.', "consent_missing"),
        ("Maak kennis met Kees, die na zijn hartinfarct weer fietst.", "consent_missing"),
    ],
)
def test_it_finds_each_category(text: str, category: str) -> None:
    assert category in _found(text)


@pytest.mark.parametrize(
    ("text", "kind", "category"),
    [
        ("Thanks for visiting us, Karen!", "reply", "patient_relationship"),
        ("As your dentist, I can say the crown fits.", "reply", "patient_relationship"),
        ("Bedankt voor uw bezoek!", "reply", "patient_relationship"),
        ("We're sorry your appointment ran late.", "reply", "care_detail"),
        ("We checked your chart and fixed the bill.", "reply", "care_detail"),
        ("We hebben uw dossier bekeken.", "reply", "care_detail"),
        ("Your prescription was sent yesterday.", "comment", "care_detail"),
    ],
)
def test_it_finds_what_a_reply_must_not_confirm(text: str, kind: str, category: str) -> None:
    assert category in _found(text, kind=kind)


@pytest.mark.parametrize(
    "text",
    [
        "Congratulations to Dr. Maria Jansen on 10 years with us!",
        "Flu shots reduce hospital visits by 40%.",
        "Free screening day on March 14!",
        "November is Diabetes Awareness Month.",
        "Meet our new hygienist, Emma! She loves hiking.",
        "Welkom in ons team, Sanne! Onze nieuwe assistente.",
        "Gefeliciteerd dokter Jansen met haar jubileum!",
        "Adults 65 and older should get a pneumonia vaccine.",
        "We're closed on Thursday, November 27 for Thanksgiving.",
        "Our team walked for Alzheimer's research on September 21.",
        "Happy birthday to our front desk superstar, Jasmine!",
        "Call the crisis line at 988 or 1-800-273-8255 any time.",
        "Wist je dat 1 op de 5 kinderen gaatjes heeft?",
        "People over 90 need extra care in a heat wave.",
    ],
)
def test_safe_posts_have_no_findings(text: str) -> None:
    assert check(text).verdict == "ok", check(text).findings


@pytest.mark.parametrize(
    "text",
    [
        "We can't discuss anyone's care online; please call our practice manager.",
        "Thank you for your feedback! We'd love to talk with you; please contact our office.",
        "Vervelend om te lezen. Neemt u contact op met de praktijk?",
        "Thanks for the five stars! We'll share your kind words with the team.",
    ],
)
def test_safe_reply_templates_pass(text: str) -> None:
    assert check(text, kind="reply").verdict == "ok"


def test_relationship_phrases_are_fine_in_a_post_about_an_event() -> None:
    assert check("Thanks for visiting us at the health fair!", kind="post").verdict == "ok"


def test_a_phone_number_tied_to_a_person_blocks_and_an_unknown_one_warns() -> None:
    tied = check("Call Mrs. Jones at 555-201-3344 about her biopsy.")
    assert tied.verdict == "block"
    assert "phone" in {f.category for f in tied.findings}
    assert check("Call 555-201-3344 to book.").verdict == "warn"


def test_a_staff_member_with_a_title_from_the_context_is_never_a_patient() -> None:
    context = GuardContext(staff=(StaffMember("Priya Raman", "hygienist"),))
    assert check("Priya finished her diabetes training course!", context=context).verdict == "ok"


def test_dates_in_all_common_formats_tied_to_a_person_block() -> None:
    for written in ("3/14/2025", "14-03-2025", "14 maart 2025", "March 14th", "2025-03-14"):
        report = check(f"Mrs. Jones was admitted on {written}.")
        assert "date" in {f.category for f in report.findings}, written


def test_a_date_suggestion_keeps_only_the_year() -> None:
    text = "Mrs. Jones was admitted on 3/14/2025."
    finding = next(f for f in check(text).findings if f.category == "date")
    assert text[: finding.start] + finding.suggestion + text[finding.end :] == (
        "Mrs. Jones was admitted in 2025."
    )


def test_bsn_needs_the_eleven_proof() -> None:
    assert "national_id" in _found("Nummer 111222333 staat op het formulier.")
    assert "national_id" not in _found("Nummer 111222334 staat op het formulier.")


def test_an_age_of_89_or_a_group_of_older_people_is_not_an_identifier() -> None:
    assert "age" not in _found("Our patient is 89 years old.")
    assert "age" not in _found("Adults 90 and older need a booster.")
    assert "age" in _found("Our patient is 90 years old.")
