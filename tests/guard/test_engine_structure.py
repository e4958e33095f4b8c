"""The general case: a person however referred to, tied to a health or care fact (issue 8)."""

from __future__ import annotations

import pytest

from rapport.guard import check
from rapport.guard.detect import lexicon as lx


def _verdict(text: str, kind: str = "post") -> str:
    return check(text, kind=kind).verdict


@pytest.mark.parametrize(
    "text",
    [
        # descriptions that point at one person without a name
        "To the dad who came in with the twins on Friday: his asthma spacer is at the front desk.",
        "The elderly gentleman from the bakery on Main Street is back home after his stroke.",
        "De oudere dame die vanochtend met haar rollator binnenkwam, is flauwgevallen.",
        "Onze buurman is herstellende van een hartinfarct, sterkte!",
        # initials, a child introduced as a child, a name the text repeats
        "J.K., 52, finally beat his gambling addiction with our counsellors.",
        "Baby Wren was born at 26 weeks and is finally off oxygen.",
        "Kleine Puk heeft vandaag buisjes gekregen en was zo dapper.",
        "Our ramp got its first test when Otis Brandwell, who has MS, rolled up it. Thanks Otis!",
        # care facts without a health word
        "Congrats Romy and Stijn, your daughter weighed 3450 gram at birth!",
        "The $640 bill of Mrs. Okafor's husband was paid by his insurer after all.",
        # a vocative name from the name lists that is also a word
        "Kom op Floor! Na die knieoperatie loop je straks weer hard.",
        # named households, bills with amounts, identifiers in other notations
        "Thanks to the Moreau family for finally settling their balance after the claim mix-up.",
        "Herinnering voor de familie Visser: de openstaande factuur van €860 graag voor vrijdag.",
        "Found a wallet with SSN 512.44.9013 in the waiting room.",
        "Voor de administratie: dossiernr. KB/2024/1187, graag terugbellen.",
        "U verwijst naar dossier nr. 0077 5521, dat hebben we bekeken.",
        # a name pinned to a trade, a title with an initial
        "Henk van de groenteboer ligt met een gebroken heup in het ziekenhuis.",
        "Links: meneer D. (61) met zijn oude kunstgebit, rechts na de implantaten.",
        # a job or a place pins a person down; a hashtag; weight lost; a title like "Coach"
        "Our favourite cashier at Corner Mart is officially in her second trimester!",
        "Het jongetje van kamer 12 heeft vandaag zijn eerste ijsje gegeten na zijn operatie.",
        "Baby girl Okoye, born at 33 wks, is breathing on her own today! #NICUstrong",
        "Shoutout to Mr. Duarte, down 15 kg since starting the new injections!",
        "When Coach Lindqvist walked in here he could barely lift his arm. Frozen shoulder, "
        "twelve weeks of PT… he's back on the field.",
        "Trots op onze Bas! Drie maanden geleden kwam hij op krukken binnen met een gescheurde "
        "achillespees.",
        # a medication from the maintained list
        "So proud of Lucinda, who is finally off the sertraline.",
        "Gerda haalt vandaag haar metformine op bij de balie.",
    ],
)
def test_a_person_however_referred_to_with_a_health_fact_blocks(text: str) -> None:
    assert _verdict(text) == "block"


@pytest.mark.parametrize(
    "text",
    [
        # a made-up persona may warn but never blocks
        "Meet “Tess”, an illustrative example (not a real patient): a 40-year-old with asthma.",
        "Voorbeeld (verzonnen persoon): “Bram”, 50, heeft diabetes en vergeet zijn insuline.",
        # sayings and historical authors
        "“Let food be thy medicine.” — Hippocrates. Our veggie garden opens Monday!",
        "Zoals Hippocrates al zei: “Laat voedsel uw medicijn zijn.” De moestuin is open!",
        "Myth: “Sugar-free soda is fine for your teeth.” Fact: its acids still erode enamel.",
        # descriptions that are general, not one person
        "A mother who smokes during pregnancy raises the risk of a premature birth.",
        "Many parents ask whether the little ones need fluoride.",
        # staff introduced by role (also in later mentions), contact people, the practice's notices
        "Our hygienist Priya Raman will run a free workshop on gum disease on Saturday.",
        "Meet Noah Verbeek, our physician assistant! Noah runs our diabetes and COPD clinic.",
        "Vacature: fysiotherapeut gezocht. Vragen? Bel Tom Bakker op 06 12345678.",
        "We'd like to talk it through; please ask for Tom Becker at (555) 201-3344.",
        "“Gezondheid is niet alles, maar zonder gezondheid is alles niets.” — Arthur Schopenhauer",
        # sample forms with placeholder values, a temperature, contacts after "or"
        "Sample form (placeholder values, not a real person): Name: Jane Doe, Insurance ID: "
        "000-000-000.",
        "Generally, a fever in an adult is 100.4°F (38°C) or higher; call us if it lasts.",
        "Please reach out to Tom Becker at (555) 201-3344 or tom@example.org so we can learn more.",
        "We are closed on 26 December; for urgent care call the on-call doctor.",
    ],
)
def test_look_alikes_stay_unblocked(text: str) -> None:
    assert _verdict(text) != "block"


def test_a_made_up_persona_warns_as_a_story() -> None:
    report = check("Meet “Anna”, an illustrative example (not a real patient), who has diabetes.")
    assert report.verdict == "warn"
    assert {f.category for f in report.findings} == {"patient_story"}


def test_the_maintained_vocabularies_are_loaded() -> None:
    for drug in ("sertraline", "metformine", "methylphenidate", "amoxicilline"):
        assert drug in lx.MEDICATIONS, drug
    for term in ("fibromyalgia", "cholelithiasis", "dyspnoe"):
        assert term in lx.HEALTH_TERMS, term
    assert "henk" in lx.WIDE_FIRST_NAMES | lx.FIRST_NAMES
    # everyday words never become health terms through the wide lists
    for word in ("bridge", "armour", "cold", "table"):
        assert word not in lx.WIDE_TERMS, word
