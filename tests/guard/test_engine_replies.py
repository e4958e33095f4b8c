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


# How practices answer reviews in practice (issue 8, item 6): apologising for a specific wait,
# bill, claim or result; arguing with the facts of the visit; "we looked into your file".
@pytest.mark.parametrize(
    "text",
    [
        "We apologise for the 45-minute wait you had on Monday.",
        "Sorry about the wait last week, the doctor was called to an emergency.",
        "We're sorry the bill for your filling was higher than you expected.",
        "Our apologies that your claim was rejected; we've resubmitted it with the right code.",
        "I'm sorry the results of your blood test took so long to reach you.",
        "We're sorry the whitening didn't give the result you hoped for.",
        "According to our records, you cancelled twice without notice.",
        "You arrived 20 minutes after your appointment time, so we had to reschedule.",
        "The dentist explained the cost of the crown before we started.",
        "You were seen within ten minutes of checking in.",
        "We looked into your file and the referral was sent on time.",
        "We've looked into your account and the charge is correct.",
        "After reviewing your chart, the doctor stands by the diagnosis.",
        "Your insurer only covers one cleaning a year, which is why you were billed.",
        "Our notes show the hygienist discussed this with you at the time.",
        "Excuses voor de lange wachttijd van afgelopen dinsdag.",
        "Het spijt ons dat de rekening voor uw kroon hoger uitviel dan verwacht.",
        "Sorry dat uw declaratie is afgewezen, we hebben hem opnieuw ingediend.",
        "Vervelend dat de uitslag van uw bloedonderzoek zo lang op zich liet wachten.",
        "Jammer dat het resultaat van de bleking tegenvalt.",
        "Uit ons systeem blijkt dat u twee keer niet bent verschenen.",
        "U was twintig minuten te laat voor uw afspraak, daarom konden we u niet meer helpen.",
        "De tandarts heeft de kosten vooraf met u besproken.",
        "We hebben uw dossier erbij gepakt en de verwijzing is op tijd verstuurd.",
        "In uw dossier staat dat de behandeling is uitgelegd.",
        "Toen u bij ons was, hebben we dit uitgebreid besproken.",
        "Uw afspraak is inmiddels verzet naar volgende week.",
        "Uw behandeling wordt gewoon vergoed door uw verzekeraar.",
        "We hebben gekeken naar uw behandeling en die is volgens de richtlijnen uitgevoerd.",
        "Volgens onze gegevens bent u op 3 maart geholpen door dokter Jansen.",
        # the reader's family, body, dose or programme
        "Your son's referral to the ENT clinic was delayed by the hospital.",
        "We know your daughter was with us for hours after the fall.",
        "Kevin will call you about your hamstring this afternoon.",
        "Please keep taking the amlodipine at the dose the doctor prescribed.",
        "The $45 copay was for the separate lab draw, not for the physical itself.",
        "Thanks for the feedback on your time in our day program.",
        "Hoe gaat het nu met de bekkenbodem na de bevalling?",
        # the time of the visit, what was signed, a condition both sides know
        "Your 10:30 on the 5th was double-booked by our new system.",
        "Maar u kwam op vrijdag om 9.15 uur binnen zonder afspraak.",
        "Dit stond in de begroting die u in april heeft getekend.",
        "The new insoles should sort out that plantar fasciitis in a few weeks.",
        "Gary, you know Dr. J told you to cut back on salt!",
        "Jammer dat jullie dochter zo lang op de gipskamer moest wachten.",  # the reader's own situation told back to them
        "You had a rough time with the flu this winter.",
        "Je was echt flink bij het hechten van die wond.",
    ],
)
def test_answers_about_the_readers_own_visit_bill_or_result_block(text: str) -> None:
    assert check(text, kind="reply").verdict == "block"


@pytest.mark.parametrize(
    "text",
    [
        "We're sorry to hear about your experience and would like to talk to you directly.",
        "Thank you for your feedback. We can't discuss anyone's care here, so please call us.",
        "Waiting times are posted in our waiting room and on our website.",
        "Our billing team answers questions about invoices every weekday from 9 to 12.",
        "Het spijt ons dat te horen. Wilt u ons bellen zodat we het persoonlijk kunnen bespreken?",
        "Bedankt voor uw reactie. Om privacyredenen gaan we hier niet in op individuele situaties.",
        "Vragen over een rekening? Bel onze administratie op werkdagen.",
        "Wij vinden het belangrijk dat iedereen zich welkom voelt in onze praktijk.",
        "Wij begrijpen uw zorgen over vaccinaties; bel ons gerust voor uitleg.",
        "Just so you know, we're moving to our new building at 48 Harbor Lane on July 1.",  # general advice and policy statements
        "If you have the flu, stay home and rest.",
        "Most people with a cold don't need antibiotics, even if you feel awful.",
        "We can't discuss your treatment here, but please call us.",
        "Wij kunnen hier helaas niet ingaan op uw behandeling.",
    ],
)
def test_answers_that_confirm_nothing_stay_ok(text: str) -> None:
    assert check(text, kind="reply").verdict == "ok"
