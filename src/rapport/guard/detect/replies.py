"""Rules for the practice answering a review, comment or message (kind "reply" or "comment").

A public answer must never confirm that the person is a patient, nor disclose anything about a
visit, treatment, bill, medication, attendance or record. Each rule is a phrase pattern in English
or Dutch; ``your`` (uw/je) next to a health term also counts as a care detail.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE
_YOUR = r"(?:your|uw|je|jouw)"
_VISIT_EN = (
    r"(?:visit|appointment|stay|exam|cleaning|procedure|surgery|consultation|consult|check-?up|"
    r"treatment|session|follow-up)"
)
_VISIT_NL = r"(?:bezoek|afspraak|behandeling|controle|consult|opname|ingreep|operatie|sessie)"
_PROVIDER_EN = (
    r"(?:dentist|doctor|provider|physician|optometrist|surgeon|care team|therapist|orthodontist|"
    r"hygienist|eye doctor|pediatrician|gp|nurse|medical team|dental team)"
)
_PROVIDER_NL = (
    r"(?:tandarts|huisarts|arts|behandelaar|mondhygiënist|orthodontist|optometrist|opticien|"
    r"fysiotherapeut|oogarts|verpleegkundige|zorgverlener|dokter)"
)

RELATIONSHIP = tuple(
    re.compile(pattern, _I)
    for pattern in (
        r"\bthanks?(?: you)?(?: so much)? for (?:visiting|choosing|coming in|coming to see|"
        r"coming by|stopping by|seeing us|being (?:a|our|such a) (?:\w+ )?patient|trusting us|"
        r"letting us (?:care|take care|treat)|your (?:visit|loyalty|business as a patient))",
        r"\bas your " + _PROVIDER_EN + r"\b",
        r"\b(?:we|i) (?:saw|treated|examined|have seen|have treated|remember) you\b",
        r"\byou (?:were|are|have been) (?:seen|treated|here|in our (?:office|clinic|chair)|"
        r"(?:a|our) (?:\w+ )?patient|coming to us)\b",
        r"\b(?:when|since|after|before|while) you (?:\w+ ){0,3}?(?:came in|visited|were here|were in|saw (?:dr|us)|"
        r"were seen|were treated|were with us)\b",
        r"\b(?:see|seeing) you (?:at|for|again at|during) (?:your|the) (?:next|upcoming|follow-up)\b",
        r"\b" + _YOUR + r" (?:loyal |valued |long-?time |new )?patient\b",
        r"\b(?:at|during|after|from|since|before) your (?:last |recent |previous |first |next |"
        r"upcoming )?" + _VISIT_EN + r"\b",
        r"\bwelcome back\b",
        r"\b(?:treating|treated|caring for|examining|operating on) you\b",
        r"\b(?:pleasure|privilege|joy) (?:to see|seeing|to treat|to meet|meeting) you\b",
        r"\b(?:good|great|nice|lovely|wonderful) (?:to )?(?:see|seeing) you (?:last|yesterday|this|"
        r"today|again|in the chair|at the office)\b",
        r"\b(?:we|i) (?:saw|seen|had) you (?:in the chair|yesterday|last|this morning|today)\b",
        r"\b(?:our|the) (?:records|files|system|charts?|notes) (?:show|indicate|say)\b",
        r"\b(?:bedankt|dank(?:je| u)?(?: wel)?|hartelijk dank) (?:voor|dat) (?:uw|je|jouw) "
        r"(?:bezoek|komst|vertrouwen|keuze voor ons)",
        r"\bdank(?:je| u)?(?: wel)? dat (?:u|je) (?:\w+ ){0,2}?(?:langs ?kwam|kwam|koos)",
        r"\b(?:u|je) (?:\w+ ){0,3}?(?:op controle|op consult|langs) ?(?:kwam|kwamen|was|bent geweest)\b",
        r"\bals (?:uw|je|jouw) " + _PROVIDER_NL + r"\b",
        r"\b(?:wij|we|ik) (?:hebben|heb) (?:u|je) (?:\w+ ){0,3}?(?:gezien|behandeld|onderzocht|geholpen)\b",
        r"\b(?:toen|nadat|sinds|voordat) (?:u|je) (?:\w+ ){0,3}?(?:was|kwam|langskwam|bent geweest|"
        r"op controle|op consult)\b",
        r"\btijdens (?:uw|je|jouw) (?:laatste |vorige |eerste |recente )?" + _VISIT_NL + r"\b",
        r"\b(?:u|je) (?:bent|was) (?:bij ons )?(?:patiënte?|geweest|behandeld|gezien)\b",
        r"\bwelkom terug\b",
        r"\b(?:je|jou|u) (?:\w+ ){0,4}?(?:op controle|op consult|in de stoel|bij ons) (?:\w+ ){0,2}?"
        r"(?:te )?(?:zien|gezien|spreken|gesproken)\b",
    )
)

CARE_DETAIL = tuple(
    re.compile(pattern, _I)
    for pattern in (
        r"\b(?:we|i) (?:checked|reviewed|looked at|looked into|pulled up|went through|consulted|"
        r"have checked|have reviewed) (?:your|the) (?:\w+ )?(?:chart|records?|file|account|history|"
        r"notes|x-rays?|results)\b",
        r"\byour (?:bill|invoice|balance|statement|copay|co-pay|claim|insurance|payment plan|"
        r"account|prescriptions?|medications?|meds|refill|test results|results|lab results|"
        r"x-rays?|records?|chart|file|referral|diagnosis|treatment plan|surgery|procedure|"
        r"appointment|wait time|recovery|healing|crown|filling|implant|braces|glasses|lenses)\b",
        r"\b(?:you|your) (?:missed|cancell?ed|rescheduled|no-show|didn't show|did not show)\b",
        r"\byou (?:waited|had to wait)\b",
        r"\b(?:wij|we|ik) (?:hebben|heb) (?:uw|je|jouw) (?:medische )?(?:dossier|status|gegevens|"
        r"rekening|factuur|kaart|röntgenfoto's|foto's) (?:\w+ )?(?:bekeken|nagekeken|ingezien|"
        r"gecontroleerd|erbij gepakt|nagelopen)\b",
        r"\b(?:uw|je|jouw) (?:rekening|factuur|nota|declaratie|eigen risico|verzekering|recept|"
        r"medicatie|medicijnen|uitslag|uitslagen|röntgenfoto's?|dossier|verwijzing|diagnose|"
        r"behandelplan|behandeling|operatie|ingreep|wachttijd|afspraak|herstel|kroon|vulling|"
        r"beugel|bril|lenzen|implantaat)\b",
        r"\b(?:u|je) (?:heeft|hebt|had) (?:uw|je) afspraak (?:gemist|afgezegd|verzet)\b",
        r"\b(?:u|je) (?:moest|moesten) (?:\w+ )?wachten\b",
    )
)


def find_reply_rules(text: str) -> list[tuple[str, int, int]]:
    """``(category, start, end)`` for every relationship or care-detail phrase in ``text``."""
    hits: list[tuple[str, int, int]] = []
    for category, rules in (("patient_relationship", RELATIONSHIP), ("care_detail", CARE_DETAIL)):
        for rule in rules:
            hits.extend((category, m.start(), m.end()) for m in rule.finditer(text))
    return hits
