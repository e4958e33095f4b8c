"""Reply and comment rules: what an answer to a review must not confirm, and what stays fine."""

from __future__ import annotations

import pytest

from rapport.guard import GuardContext, StaffMember, check

STAFF = GuardContext(
    staff=(StaffMember("Maria Jansen", "Dr."), StaffMember("Priya Raman", "hygienist")),
)


def _found(text: str, kind: str = "reply", context: GuardContext | None = None) -> set[str]:
    return {f.category for f in check(text, kind=kind, context=context).findings}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # how the practice treated the reader
        ("We're sorry our front desk was rude to you.", "patient_relationship"),
        ("Vervelend dat de assistente zo kortaf tegen u was.", "patient_relationship"),
        ("Het spijt ons dat u zich niet gehoord voelde.", "patient_relationship"),
        ("Dank dat u zo geduldig was in de stoel!", "patient_relationship"),
        ("It was great seeing you again.", "patient_relationship"),
        # waiting
        ("Jammer dat u zo lang moest wachten.", "care_detail"),
        ("Vervelend dat u zo lang in de wachtkamer heeft gezeten.", "care_detail"),
        ("Sorry we kept you waiting.", "care_detail"),
        # your/uw/je + provider, visit, treatment or device
        ("Your hygienist mentioned you were nervous.", "patient_relationship"),
        ("Uw tandarts heeft het doorgegeven.", "patient_relationship"),
        ("Glad you enjoyed your last visit!", "care_detail"),
        ("Wat goed dat je nieuwe bril zo lekker zit.", "care_detail"),
        # a reaction to a definite treatment, device or bill, without "your"
        ("Het spijt ons dat de behandeling pijnlijk was.", "care_detail"),
        ("Wat fijn dat u tevreden bent over de nieuwe kroon!", "care_detail"),
        ("We're glad the new crown feels comfortable now!", "care_detail"),
        ("Onze excuses dat de rekening twee keer is verstuurd.", "care_detail"),
        # wishes that presume a condition
        ("We hope you're feeling better!", "care_detail"),
        ("Beterschap!", "care_detail"),
        ("We hopen dat het weer wat beter met je gaat.", "care_detail"),
        ("Hopelijk voel je je snel weer beter!", "care_detail"),
        # a new device, or a moment in the past
        ("It sounds like the new aligners are doing their job!", "care_detail"),
        ("Our apologies for the mix-up at check-in last Thursday.", "care_detail"),
        # what the practice did about the reader's bill
        ("We've refunded the overpayment to your card.", "care_detail"),
        ("We hebben de nota aangepast, excuses voor de fout.", "care_detail"),
        # the reader's child
        ("Mooi dat uw zoon nu zonder angst naar de tandarts durft.", "care_detail"),
        # the reader's next visit
        ("See you in six months!", "patient_relationship"),
        ("Tot bij de volgende controle!", "patient_relationship"),
        ("We'll make sure you get the same hygienist next time.", "patient_relationship"),
    ],
)
def test_it_finds_what_a_reply_must_not_confirm(text: str, category: str) -> None:
    assert category in _found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Glad you liked Dr. Alvarez!",
        "Glad you enjoyed working with Priya!",
        "Dr. Jansen says hi and hopes to see you soon!",
        "Dokter Jansen vond het ook een prettig gesprek met u.",
    ],
)
def test_liking_or_meeting_staff_confirms_a_visit(text: str) -> None:
    assert "patient_relationship" in _found(text, context=STAFF)


@pytest.mark.parametrize(
    "text",
    [
        "Thank you for your feedback. We take all comments seriously; please contact us at the "
        "office so we can talk.",
        "Bedankt voor uw reactie. Wij kunnen online niets zeggen over wie wel of niet bij ons "
        "patiënt is; belt u gerust met onze praktijkmanager.",
        "Thanks for the kind words about our team!",
        "We'd love to hear more — please call us.",
        "Thanks! We agree, Dr. Jansen is wonderful.",
        "Dank u wel! Dokter Jansen zal blij zijn met dit compliment.",
        "We're sorry to read this; we can't discuss anyone's care online, please call us.",
        "Sorry, we can't discuss the treatment of any patient online; please call us.",
        "We're happy to explain the costs of crowns and fillings by phone.",
        "Great question! Ask your dentist whether sealants make sense for your kids.",
        "Your dentist can tell you whether a night guard makes sense.",
        "Vraag uw tandarts gerust naar de mogelijkheden.",
        "Yes, you can book your appointment online any time.",
        "Uw afspraak kunt u ook online maken via onze website.",
        "Bij ons hoeft u niet lang te wachten op een afspraak.",
        "Our new X-ray machine arrived today and the team is excited!",
        "Leuk dat je er was op de open dag!",
        "We hope this helps, and we hope the information about fillings was useful.",
        "If you have questions about your bill, please call our billing office.",
        "Als u vragen heeft over uw rekening, belt u dan met onze administratie.",
        "Bent u een nieuwe patiënt? Meld u aan via de website.",
        "Hope you're doing well!",
        "Take it easy this weekend and enjoy the sunshine!",
    ],
)
def test_safe_replies_and_comments_pass(text: str) -> None:
    report = check(text, kind="reply", context=STAFF)
    assert report.verdict == "ok", report.findings


@pytest.mark.parametrize(
    "text",
    [
        "Book your check-up today — evening slots are open!",
        "Uw afspraak kunt u online maken.",
        "We hope you're feeling great this spring!",
    ],
)
def test_reply_rules_do_not_apply_to_posts(text: str) -> None:
    assert check(text, kind="post").verdict == "ok"
