"""Rules for the practice answering a review, comment or message (kind "reply" or "comment").

A public answer must never confirm that the person is a patient, nor disclose anything about a
visit, treatment, bill, medication, attendance or record. Each rule is a phrase pattern in English
or Dutch; ``your`` (uw/je) next to a health term also counts as a care detail.
"""

from __future__ import annotations

import re

from rapport.guard.detect.text import words

_I = re.IGNORECASE
_YOUR = r"(?:your|uw|je|jouw|jullie)"
# "your last visit", "uw nieuwe kroon": at most one describing word between owner and noun.
_ADJ_EN = (
    r"(?:(?:last|recent|previous|first|next|upcoming|new|latest|temporary|permanent|annual|"
    r"yearly|routine|six-month|follow-up|own|whole|entire|long|short|little)\s+)?"
)
_ADJ_NL = (
    r"(?:(?:laatste|vorige|eerste|volgende|nieuwe|recente|tijdelijke|definitieve|jaarlijkse|"
    r"halfjaarlijkse|eigen|hele|lange|korte)\s+)?"
)
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

_MANNER_EN = (
    r"(?:rude|unkind|unfriendly|short|dismissive|impolite|abrupt|curt|impatient|cold|"
    r"condescending|disrespectful|gentle|kind|patient|helpful|friendly|nice|lovely|sweet|"
    r"professional|attentive|caring|thorough|great|wonderful|amazing|good)"
)
_MANNER_NL = (
    r"(?:onvriendelijk|onbeleefd|kortaf|bot|respectloos|ongeduldig|vriendelijk|aardig|lief|"
    r"geduldig|behulpzaam|zorgzaam|grof|onaardig)"
)
_ROLE_EN = (
    r"(?:dentist|doctor|hygienist|nurse|orthodontist|surgeon|physician|optometrist|"
    r"assistant|therapist|physiotherapist|receptionist|provider|nurse practitioner)"
)
_ROLE_NL = (
    r"(?:tandarts|huisarts|arts|dokter|assistente|tandartsassistente|doktersassistente|"
    r"mondhygiënist|mondhygiëniste|verpleegkundige|orthodontist|orthodontiste|behandelaar|"
    r"praktijkondersteuner|fysiotherapeut|opticien|optometrist|kaakchirurg)"
)

RELATIONSHIP = tuple(
    re.compile(pattern, _I)
    for pattern in (
        r"\bthanks?(?: you)?(?: so much| again| once again)? for (?:visiting|choosing|coming in|"
        r"coming to see|coming by|stopping by|seeing us|"
        r"being (?:a|our|such a) (?:\w+ )?patient|trusting us|"
        r"letting us (?:care|take care|treat)|your (?:visit|loyalty|business as a patient))",
        r"\bas your " + _PROVIDER_EN + r"\b",
        r"\b(?:we|i) (?:saw|treated|examined|have seen|have treated|remember) you\b",
        r"\byou (?:were|are|have been) (?:seen|treated|here|in our (?:office|clinic|chair)|"
        r"(?:a|our) (?:\w+ )?patient|coming to us)\b",
        r"\b(?:when|since|after|before|while) you (?:\w+ ){0,3}?(?:came in|visited|were here|were in|saw (?:dr|us)|"
        r"were seen|were treated|were with us|checked in|checked out|arrived|got here|walked in|"
        r"sat down|left (?:the|our) (?:office|clinic|practice))\b",
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
        r"\b(?:toen|nadat|sinds|voordat) (?:u|je) (?:\w+ ){0,6}?(?:was|kwam|langskwam|bent geweest|"
        r"op controle|op consult)\b",
        r"\btijdens (?:uw|je|jouw) (?:laatste |vorige |eerste |recente )?" + _VISIT_NL + r"\b",
        r"\b(?:u|je) (?:bent|was) (?:bij ons )?(?:patiënte?|geweest|behandeld|gezien)\b",
        r"\bwelkom terug\b",
        r"\b(?:je|jou|u) (?:\w+ ){0,4}?(?:op controle|op consult|in de stoel|bij ons) (?:\w+ ){0,2}?"
        r"(?:te )?(?:zien|gezien|spreken|gesproken)\b",
        # how the practice treated the reader, or how the reader felt there
        r"\b(?:enjoyed|loved|liked|appreciated|was (?:great|nice|lovely|good|a pleasure)) "
        r"(?:seeing|meeting|treating|talking (?:to|with)|chatting with|working with|having|"
        r"helping) you\b",
        r"\b(?:was|were|wasn't|weren't|had been|has been|have been|seemed|came across as|acted) "
        r"(?:\w+ ){0,2}?" + _MANNER_EN + r" (?:to|with|toward|towards) you\b",
        r"\b" + _MANNER_NL + r" (?:\w+ )?(?:tegen|tegenover) (?:u|je|jou)\b",
        r"\byou (?:were|got|have been|'ve been|weren't) (?:\w+ ){0,2}?(?:helped|greeted|"
        r"examined|checked in|turned away|rushed|sent home|attended to|looked after|"
        r"taken care of|called back|mistreated)\b",
        r"\byou (?:\w+ )?(?:felt|were feeling) (?:\w+ ){0,2}?(?:rushed|unheard|not heard|"
        r"not listened to|ignored|dismissed|uncomfortable|in pain|nervous|anxious|judged|"
        r"mistreated)\b",
        r"\b(?:u|je|jij) (?:\w+ ){0,4}?(?:bejegend|te woord gestaan|geholpen|ontvangen|"
        r"behandeld|onderzocht|afgescheept|weggestuurd|gehaast) (?:bent|werd|werden|was)\b",
        r"\b(?:u|je|jij) (?:bent|werd|was) (?:\w+ ){0,3}?(?:bejegend|te woord gestaan|geholpen|"
        r"ontvangen|behandeld|onderzocht|afgescheept|weggestuurd)\b",
        r"\b(?:u|je|jij) (?:zich |je )?(?:\w+ ){0,3}?(?:niet gehoord|afgescheept|gehaast|"
        r"niet serieus genomen|ongemakkelijk|niet welkom|zenuwachtig|nerveus|angstig) "
        r"(?:\w+ )?(?:voelde|voelden|heeft gevoeld|hebt gevoeld)\b",
        r"\b(?:u|je|jij) (?:voelde|voelden) (?:zich |je )?(?:\w+ ){0,2}?(?:niet gehoord|"
        r"afgescheept|gehaast|niet serieus genomen|ongemakkelijk|niet welkom)\b",
        r"\b(?:u|je|jij) (?:er|hier|bij ons) (?:weer|gisteren|vandaag|vanochtend|vorige week|"
        r"even) (?:\w+ )?(?:was|waren|bent geweest)\b",
        r"\b(?:u|je|jij) (?:\w+ ){0,5}?(?:patiënte?|cliënte?) (?:bent|was|bleef|blijft)\b",
        r"\b(?:remembers|remember|misses|asked about|asks about|says hi to) you\b",
        r"\byou(?:'ve| have)? (?:\w+ )?(?:been coming|keep coming|kept coming|still come|"
        r"came back) (?:to us|here|back|for)\b",
        r"\b(?:u|je|jij) (?:\w+ ){0,4}?(?:terugkwam|terug kwam|langskwam|langs kwam|binnenkwam|"
        r"binnen kwam|terug bent gekomen|langs bent geweest|bij ons binnenliep)\b",
        r"\b(?:u|je|jij) (?:\w+ ){0,4}?(?:nog steeds|al jaren|al zo lang|altijd|trouw|weer) "
        r"(?:\w+ ){0,2}?bij ons (?:komt|kwam|komen|bent|blijft)\b",
        r"\b(?:you|u|je|jij|jullie|(?:your|uw|je|jullie) \w+) (?:\w+ ){0,3}?"
        r"(?:was|were|bent|waren|zat|zaten) (?:\w+ ){0,2}?"
        r"(?:in (?:the|our) (?:dental )?chair|in de (?:tandarts)?stoel|in (?:the|our) waiting room|"
        r"in de wachtkamer)\b",
        # a provider reporting on the reader: "your hygienist mentioned", "de tandarts heeft uw
        # klacht besproken"
        r"\b(?:" + _ROLE_EN + r"|team|front desk|staff) (?:\w+ ){0,2}?(?:mentioned|noticed|"
        r"told (?:me|us)|noted|remembered|passed on)\b[^.!?]{0,60}?\b(?:you|your)\b",
        r"\b(?:" + _ROLE_NL + r"|balie|collega) (?:\w+ ){0,2}?(?:vertelde|zei|merkte|noemde|"
        r"heeft|had)\b[^.!?]{0,60}?\b(?:u|je|jou|uw|jullie)\b[^.!?]{0,40}?\b(?:besproken|"
        r"doorgegeven|verteld|gezegd|gemerkt|opgemerkt|genoemd)\b",
        r"\b(?:the same|dezelfde|hetzelfde) (?:" + _ROLE_EN + "|" + _ROLE_NL + r")\b",
        r"\b(?:next time|(?:de )?volgende keer)\b[^.!?]{0,60}?\b(?:make sure|schedule|book|plan|"
        r"give you|get you|zorgen|plannen|inplannen|nemen we|geven we)\b",
        r"\bnext time (?:you|u|je) (?:come in|visit|are in|'re in|see us)\b",
        r"\b(?:cancell?(?:ed)?|reschedul(?:e|ed)|bump(?:ed)?) on you\b",
        r"\b(?:u|je|jij|jou) (?:een |onze )?(?:(?!nieuwe )\w+ )?(?:patiënte?|cliënte?)\b",
        r"\b(?:you (?:were|are|have been)|you're|you've been) such an? (?:\w+ )?patient\b",
        r"\b(?:was|were) running (?:behind|late)\b|\bran (?:late|behind|over)\b|"
        r"\b(?:spreekuur|afspraak|behandeling|controle) (?:\w+ )?uitliep\b",
        r"\b(?:at|for|during|bij|tijdens|op) (?:the|your|de|uw|je) (?:next|volgende) "
        r"(?:cleaning|visit|appointment|check-?up|exam|controle|afspraak|behandeling|bezoek|"
        r"consult)\b",
        # the reader's next visit or recall
        r"\bsee you (?:again )?(?:in (?:\w+ )?(?:months?|weeks?)\b|(?:at|for) (?:your|the) "
        r"(?:next|six-month|\d+-month|follow-up|recall|upcoming)\b|next (?:visit|appointment|"
        r"check-?up|cleaning)\b)",
        r"\btot (?:over (?:\w+ )?(?:maanden|weken|half jaar)|(?:bij |op )?(?:de|uw|je) "
        r"(?:volgende (?:controle|afspraak|behandeling)|nacontrole|controle|halfjaarlijkse))",
        # "glad you liked Dr. Alvarez", "blij dat u tevreden bent over de tandarts"
        r"\byou (?:\w+ ){0,2}?(?:liked|loved|enjoyed|appreciated|were (?:happy|pleased|"
        r"satisfied|comfortable) with|felt (?:comfortable|safe|at ease) with|met|saw|chose) "
        r"(?:seeing |meeting |working with |your (?:time|visit|appointment|session) with )?"
        r"(?:(?:dr|doctor|dokter|prof)\.? (?-i:[A-Z])|(?:our |the |your )?(?:new )?"
        + _ROLE_EN
        + r"\b)",
        r"\b(?:u|je|jij) (?:\w+ ){0,4}?(?:tevreden|blij|te spreken|enthousiast) (?:\w+ ){0,2}?"
        r"(?:over|met) (?:de |onze |uw |je )?(?:(?:dokter|dr\.?) (?-i:[A-Z])|" + _ROLE_NL + r"\b)",
        r"\b(?:" + _ROLE_NL + r"|(?:dokter|dr\.?) (?-i:[A-Z])\w+) (?:\w+ ){0,2}?vond(?:en)? het "
        r"(?:\w+ ){0,4}?(?:met|om) (?:u|je|jou)\b",
    )
)

_FAMILY_EN = (
    r"(?:son|daughter|child|kid|kids|children|baby|husband|wife|partner|mom|mum|mother|dad|"
    r"father|grandmother|grandfather|grandma|grandpa|little one|boy|girl)"
)
_FAMILY_NL = (
    r"(?:zoon|dochter|kind|kinderen|kindje|baby|man|vrouw|partner|moeder|vader|oma|opa|zoontje|"
    r"dochtertje|kleine)"
)
_BODY = (
    r"(?:knee|knees|back|neck|shoulder|hip|hips|wrist|ankle|foot|feet|leg|arm|elbow|hand|"
    r"hamstring|muscle|tooth|teeth|gum|gums|jaw|molar|eye|eyes|ear|ears|skin|stomach|chest|"
    r"heart|lungs|knie|rug|nek|schouder|heup|pols|enkel|voet|been|elleboog|spier|kies|tand|"
    r"tanden|tandvlees|kaak|oog|ogen|oor|oren|huid|maag|borst|hart|longen)"
)
_CARE_NOUNS = (
    r"(?:referral|appointment|results?|treatment|prescription|medication|meds|surgery|test|"
    r"scan|x-rays?|visit|stay|recovery|cast|stitches|cleaning|check-?up|vaccinations?|shots?|"
    r"bill|invoice|diagnosis|therapy|braces|filling|crown|verwijzing|afspraak|uitslag|"
    r"behandeling|recept|medicatie|operatie|onderzoek|controle|bezoek|opname|herstel|gips|"
    r"rekening|factuur|diagnose|therapie|beugel|vulling|kroon|prik|vaccinatie)"
)

CARE_DETAIL = tuple(
    re.compile(pattern, _I)
    for pattern in (
        # the time of the reader's visit, what they signed, what the doctor told them
        r"\b(?:your|uw|je|jouw) \d{1,2}[:.]\d{2}\b",
        r"\b(?:u|je|jij|you) (?:\w+ ){0,5}?(?:om|at) \d{1,2}[:.]\d{2}\b",
        r"\b(?:u|je|jij) kwam (?:\w+ ){0,6}?binnen\b",
        r"\b(?:die|dat|that|which) (?:u|je|you) (?:\w+ ){0,3}?(?:heeft |hebt |had |have )?"
        r"(?:getekend|ondertekend|signed|ontvangen|received|betaald|paid|gekregen|got)\b",
        r"\b(?:the|de|het) (?:bill|invoice|rekening|factuur|nota|begroting|estimate|quote) "
        r"(?:for|voor|van) (?:the|your|de|het|uw|je) (?:\w+ )?\w+",
        r"\b(?:dr\.?|doctor|dokter|the doctor|de dokter|de tandarts|the dentist|de huisarts|"
        r"your doctor|uw huisarts|je huisarts)\s*(?:\w+\.? )?(?:told|advised|warned|prescribed|"
        r"zei|adviseerde|waarschuwde|schreef|vertelde) (?:you|je|u|jou)\b",
        r"\b(?:your|uw|je|jouw) (?:before|after|voor|na)[- ]?(?:pics|photos|pictures|foto's|"
        r"fotos|plaatjes)\b",
        # the reader's family member's care: "your daughter's referral", "uw zoon werd geholpen"
        r"\b(?:your|uw|je|jouw|jullie) "
        + _FAMILY_EN
        + r"(?:'s|’s)? (?:\w+ ){0,2}?"
        + _CARE_NOUNS
        + r"\b",
        r"\b(?:your|uw|je|jouw|jullie) (?:" + _FAMILY_EN + "|" + _FAMILY_NL + r") (?:\w+ ){0,2}?"
        r"(?:was|were|is|got|had|werd|was|is|heeft|had|kreeg|mocht|moest|waited|wachtte) "
        r"(?:\w+ ){0,3}?(?:with us|wait|wachten|"
        r"here|seen|treated|admitted|in the er|bij ons|geholpen|gezien|behandeld|onderzocht|"
        r"opgenomen|geopereerd|gehecht|ingeënt|geprikt)\b",
        r"\b(?:van|voor) (?:uw|je|jouw|jullie) "
        + _FAMILY_NL
        + r" (?:\w+ ){0,2}?"
        + _CARE_NOUNS
        + r"\b",
        # the reader's body, their time in a programme, how their condition is doing
        r"\b(?:about|regarding|for|with|on|check on|over|aan|met|naar) (?:your|uw|je|jouw) "
        r"(?:\w+ )?" + _BODY + r"\b",
        r"\b(?:your|uw|je|jouw) (?:sore|painful|injured|broken|swollen|bad|stiff|pijnlijke|"
        r"gebroken|dikke|stijve|geblesseerde) " + _BODY + r"\b",
        r"\byour (?:time|stay|weeks|days|months) (?:in|at|with|on) (?:our|the)\b",
        r"\b(?:hoe gaat het (?:nu )?met|how(?:'s| is| are) (?:things with )?)(?: de| het| je| jouw|"
        r" uw| your| the| that) (?:\w+ )?(?:" + _BODY + "|" + _CARE_NOUNS + r"|bekkenbodem|"
        r"herstel|recovery|healing|knee|back)\b",
        # arguing with the facts of the visit: what the records, the schedule or the staff say
        r"\b(?:according to|per|in|from) (?:our|the) (?:records|files|system|notes|schedule|"
        r"charts?|log|calendar|appointment book)\b",
        r"\b(?:volgens|uit|in) (?:ons|onze|het|de) (?:systeem|gegevens|dossier|administratie|"
        r"registratie|agenda|notities|aantekeningen)\b(?:[^.!?]{0,40}\b(?:u|je|uw|jouw)\b)?",
        r"\byou (?:\w+ ){0,2}?(?:arrived|came in|showed up|turned up|checked in|got here|were)"
        r" (?:\w+ ){0,3}?(?:late|early|after your|before your|past your)\b",
        r"\b(?:u|je|jij) (?:was|kwam|bent|waren) (?:\w+ ){0,3}?te (?:laat|vroeg)\b",
        r"\b(?:your|uw|je) (?:\d{1,2}[:.]\d{2}\s*(?:am|pm|uur)? )?(?:slot|time slot|"
        r"appointment time|afspraaktijd|tijdslot)\b",
        r"\b(?:uw|je) afspraak (?:van|om|op) \d",
        r"\bwe had to (?:shorten|cut short|reschedule|cancel|end|stop|postpone) (?:the|your) "
        r"(?:cleaning|appointment|visit|session|exam|treatment|procedure|consultation)\b",
        r"\b(?:" + _ROLE_EN + r"|we|i) (?:\w+ ){0,2}?(?:explained|discussed|went over|"
        r"reviewed|told you about|showed you|warned you about|informed you of) (?:the|your|"
        r"all the) (?:\w+ ){0,2}?(?:costs?|price|fees?|estimate|risks|options|treatment|"
        r"procedure|plan|side effects|aftercare|diagnosis)\b",
        r"\b(?:" + _ROLE_NL + r"|we|wij|ik) (?:\w+ ){0,3}?(?:heeft|hebben|heb) (?:\w+ ){0,3}?"
        r"(?:de|uw|je|alle) (?:\w+ )?(?:kosten|prijs|risico's|opties|behandeling|bijwerkingen|"
        r"nazorg|diagnose) (?:\w+ ){0,3}?(?:uitgelegd|besproken|toegelicht|verteld)\b",
        r"\b(?:u|je|jij) (?:bent|was|werd) (?:\w+ ){0,4}?(?:geholpen|gezien|behandeld) door\b",
        r"\b(?:we|i) (?:checked|reviewed|looked at|looked into|pulled up|went through|consulted|"
        r"have checked|have reviewed) (?:your|the) (?:\w+ )?(?:chart|records?|file|account|history|"
        r"notes|x-rays?|results)\b",
        r"\b(?:your|jullie) " + _ADJ_EN + r"(?:bill|invoice|balance|statement|copay|co-pay|"
        r"claim|insurance|payment plan|account|prescriptions?|medications?|meds|refill|"
        r"test results|results|lab results|blood ?work|scans?|x-rays?|records?|chart|file|"
        r"referral|diagnosis|treatment plan|surgery|procedure|appointments?|visits?|stay|exam|"
        r"cleaning|check-?up|consultation|session|follow-?up|wait time|wait|recovery|healing|"
        r"crowns?|"
        r"fillings?|implants?|braces|aligners|retainer|dentures?|bridge|root canal|extraction|"
        r"stitches|glasses|lenses|contacts|contact lenses|hearing aids?|treatment|therapy|"
        r"condition|symptoms|pain|teeth cleaning|operation|injection|shot|vaccination)\b",
        r"\b(?:you|your) (?:missed|cancell?ed|rescheduled|no-show|didn't show|did not show)\b",
        r"\byou (?:waited|had to wait)\b",
        r"\b(?:wij|we|ik) (?:hebben|heb) (?:uw|je|jouw) (?:medische )?(?:dossier|status|gegevens|"
        r"rekening|factuur|kaart|röntgenfoto's|foto's) (?:\w+ )?(?:bekeken|nagekeken|ingezien|"
        r"gecontroleerd|erbij gepakt|nagelopen)\b",
        r"\b(?:uw|je|jouw|jullie) " + _ADJ_NL + r"(?:rekening|factuur|nota|declaratie|"
        r"eigen risico|verzekering|recept|medicatie|medicijnen|uitslag|uitslagen|röntgenfoto's?|"
        r"foto's|dossier|verwijzing|diagnose|behandelplan|\w*behandeling|operatie|ingreep|"
        r"wachttijd|afspraak|afspraken|bezoek|controle|consult|gebitsreiniging|herstel|kroon|"
        r"kroontje|vulling|vullingen|beugel|bril|lenzen|contactlenzen|implantaat|implantaten|"
        r"prothese|kunstgebit|brug|hechtingen|klachten|pijn|gehoorapparaat|prik|vaccinatie)\b",
        r"\b(?:u|je) (?:heeft|hebt|had) (?:uw|je) afspraak (?:gemist|afgezegd|verzet)\b",
        r"\b(?:u|je|jij) (?:\w+ ){0,6}?(?:moest|moesten|hebt|heeft|heb) (?:\w+ ){0,4}?"
        r"(?:wachten|gewacht|gezeten)\b",
        r"\b(?:u|je|jij) (?:\w+ ){0,5}?(?:wachtte|wachtten|gewacht)\b",
        r"\byou (?:\w+ ){0,2}?(?:had to wait|were (?:left |kept )?waiting|have been waiting|"
        r"'ve been waiting|were made to wait|sat in (?:the|our) waiting room)\b",
        r"\b(?:kept|keep|made|make|left|leave) you (?:waiting|wait|sitting)\b",
        r"\byou (?:were|got|have been|'ve been) (?:\w+ )?(?:billed|charged|overcharged|"
        r"double-billed|invoiced|sent (?:a|the|an) (?:\w+ )?(?:bill|invoice))\b",
        r"\b(?:u|je|jij) (?:\w+ ){0,3}?(?:twee keer |dubbel |te veel )?(?:gefactureerd|"
        r"in rekening gebracht|betaald)\b",
        # what the practice did about the reader's bill, claim or appointment
        r"\b(?:we|wij|ik|i)(?:'ve| have| hebben| heb)? (?:\w+ )?(?:corrected|adjusted|refunded|"
        r"fixed|resent|re-sent|updated|reversed|credited|waived|resubmitted|rebooked|moved|"
        r"rescheduled|cancell?ed|sent|submitted|forwarded) (?:the|your) (?:\w+ )?(?:bill|invoice|"
        r"charges?|claim|balance|statement|prescription|referral|appointment|records?|results|"
        r"overpayment|payment|deposit|co-?pay|fee)\b",
        r"\b(?:we|wij|ik) (?:hebben|heb) (?:de|uw|je|het) (?:\w+ )?(?:nota|rekening|factuur|"
        r"declaratie|afspraak|recept|dossier|verwijzing|uitslag) (?:\w+ ){0,2}?(?:aangepast|"
        r"gecorrigeerd|verstuurd|gecrediteerd|terugbetaald|verzet|doorgestuurd|opgestuurd|"
        r"klaargezet|ingediend|gewijzigd|geannuleerd)\b",
        r"\b(?:(?:cleaning|filling|crown|treatment|procedure|surgery|case|x-rays?|results) "
        r"like yours|zoals (?:de|het|die van) (?:uwe|u|jou|jouwe))\b",
        # advice for after a procedure
        r"\b(?:goed uitrusten|rust (?:maar |lekker |vooral )?goed uit|take it easy|rest up|"
        r"get some rest|neem (?:de|je|uw) rust)(?: \w+){0,2}? (?:the next (?:few |couple of )?days|"
        r"for a (?:few|couple of) days|de komende (?:dagen|tijd)|na (?:de|het|je|uw) )",
        # wishes that presume a condition or a procedure
        r"\b(?:get well(?: soon)?|feel better soon|speedy recovery|quick recovery|"
        r"fast recovery|full recovery|smooth recovery|beterschap|"
        r"(?:goed|spoedig|snel|voorspoedig|vlot) herstel(?! van)|"
        r"weer (?:snel )?(?:de oude|op de been)|back on your feet)\b",
        r"\b(?:you|you're|you are|you've been) (?:\w+ ){0,2}?(?:feeling (?:better|stronger)|"
        r"doing better|recovering|healing|on the mend|getting better|"
        r"back to normal|pain-free)\b",
        r"\b(?:hope|hoping|glad|happy|wish|wishing) (?:that )?(?:you|you're|you are) "
        r"(?:\w+ )?(?:(?:feel|feeling|doing|getting) (?:\w+ )?better|(?:recover|heal) "
        r"(?:\w+ )?(?:well|soon|quickly|fully))\b",
        r"\bbeter (?:gaat )?met (?:u|je|jou|jullie)(?: gaat)?\b|"
        r"\bvoel(?:t|en)? (?:u|je|jij|jullie) (?:zich |je )?(?:\w+ )?(?:(?:snel|gauw|weer|al) )*"
        r"beter\b|"
        r"\b(?:u|je|jij) (?:\w+ ){0,3}?(?:opknapt|bent opgeknapt|opgeknapt bent|hersteld bent|"
        r"herstelt|bent hersteld|beter voelt|aan de beterende hand)",
        r"\b(?:weer|again|now|nu|no longer|niet meer|eindelijk|finally) (?:\w+ ){0,2}?"
        r"(?:zonder pijn|pijnvrij|geen pijn meer|pain-free|without pain|free of pain)\b",
    )
)


# "the mix-up at check-in last Thursday": a care word next to a moment in the past.
PAST_TIME = re.compile(
    r"\b(?:yesterday|last (?:week|month|time|monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday|visit)|this (?:morning|afternoon)|earlier today|(?:\w+ )?(?:days|weeks) "
    r"ago|gisteren|vorige (?:week|maand|keer|maandag|dinsdag|woensdag|donderdag|vrijdag|"
    r"zaterdag|zondag)|vanochtend|vanmorgen|vanmiddag|afgelopen (?:week|maand|maandag|dinsdag|"
    r"woensdag|donderdag|vrijdag|zaterdag|zondag)|eerder vandaag|(?:\w+ )?(?:dagen|weken) "
    r"geleden|toen)\b",
    _I,
)
# "the new aligners", "de nieuwe kroon": a device or treatment the reader just got.
NEW = words("new nieuwe nieuw temporary tijdelijke")
ROLE_WORDS = words(
    "dentist doctor hygienist nurse orthodontist surgeon tandarts huisarts arts dokter "
    "assistente mondhygiënist mondhygiëniste orthodontist"
)

# "Sorry the crown came loose", "Jammer dat de vulling eruit is": an answer that reacts to a
# definite treatment, device, visit or bill is talking about the reader's own care.
FRAME = re.compile(
    r"\b(?:sorry|glad|happy|pleased|relieved|thrilled|delighted|hope|hoping|hopefully|"
    r"wish|wishing|apologi[sz]e|apologies|unfortunate|sad|understand|great to hear|"
    r"good to hear|nice to hear|spijt|jammer|vervelend|fijn|blij|hopen|hoop|hopelijk|excuses|"
    r"begrijpen|begrijp|goed (?:om )?te horen|wat goed|wat leuk|leuk (?:om )?te horen|succes|"
    r"good luck|best of luck|"
    r"mooi (?:om )?te horen|mooi dat|wat mooi|wat naar|naar dat|rot dat|wat rot|balen|"
    r"hang in there|sterkte|hou(?:d)? vol|snappen|snap|know that|weten dat)\b(?!\s+to\s+(?!hear|read|see|know|learn)\w)",
    _I,
)
CLAUSE_BREAK = re.compile(r"[;:()\[\]—–]")
FRAME_DETERMINERS = words("the your de het uw je jouw jullie this that deze dit die")
# "the information about fillings": the determiner belongs to another noun.
LINKS = words("about of for on over van voor met with in op bij to naar at from uit")
THIRD_POSSESSIVES = words("his her their zijn haar hun")
FAMILY = words(
    "daughter son child kid kids children baby mom mother dad father husband wife partner "
    "grandmother grandfather grandma grandpa dochter zoon kind kinderen kindje moeder vader man "
    "vrouw oma opa dochtertje zoontje"
)
# "sorry ... we can't discuss the treatment": a policy statement, not a reaction.
POLICY_WORDS = words(
    "can't cannot cant unable won't discuss comment share any anyone's anyones someone's "
    "individual individuele kunnen kan mogen mag bespreken ingaan iemands algemeen general privacy"
)
# "glad the new x-ray machine is here": the term names equipment or a topic.
TOPIC_AFTER = words(
    "machine machines equipment room rooms chair technology software page info information "
    "website video options tips folder day week month clinic event evening times apparaat "
    "apparatuur "
    "ruimte stoel pagina informatie opties dag maand avond"
)
# Care words that are not health terms: a visit, a wait, a bill, the numbing.
VISIT_WORDS = words(
    "visit visits exam cleaning wait bill bills invoice invoices statement charge charges billing "
    "check-up checkup bezoek rekening factuur nota declaratie wachttijd wachtkamer "
    "gebitsreiniging nacontrole stitches sutures numbing anesthesia anaesthesia whitening "
    "bleaching hechtingen verdoving bleken bleking tandbleking check-in spreekuur pain ache swelling bleeding "
    "sensitivity pijn zwelling bloeding gevoeligheid tooth teeth gum gums kies kiezen tand "
    "tanden tandvlees kroon kroontje brug cpap"
)

YOUR_PROVIDER = re.compile(
    r"\b(?:your|uw|je|jouw|jullie) (?:own |eigen |new |nieuwe |regular |vaste )?"
    r"(?:" + _PROVIDER_EN + "|" + _PROVIDER_NL + r"|assistente|tandartsassistente|"
    r"mondhygiëniste|hygiënist)\b",
    _I,
)
# advice to see one's own provider, or a provider's general role: "ask your dentist", "uw
# tandarts kan u adviseren", "overleg met je huisarts"
_ADVICE_BEFORE = re.compile(
    r"(?:\b(?:ask|consult|see|contact|call|tell|visit|message|email|text|ring|phone|check with|"
    r"talk (?:to|with)|speak (?:to|with)|with|vraag|raadpleeg|bel|naar|met|aan)\s+)$",
    _I,
)
_ADVICE_AFTER = re.compile(
    r"\s+(?:can|could|may|might|should|is the best|knows|kan|kunnen|mag|weet|is de)\b", _I
)
# "book your check-up", "uw afspraak kunt u online maken": how to book, not a visit.
_BOOKING_NOUNS = re.compile(
    r"(?:appointments?|visits?|check-?ups?|cleaning|exam|consultation|afspraak|afspraken|"
    r"controle|consult|bezoek)$",
    _I,
)
_BOOKING = re.compile(
    r"\b(?:book|schedule|make|request|plan|reserve|boek|maak|plan|vraag|boeken|maken|plannen|"
    r"inplannen|aanvragen|reserveren|verzetten|wijzigen|afzeggen|annuleren|online|questions?|"
    r"vragen)\b",
    _I,
)


_QUESTIONS_ABOUT = re.compile(
    r"\b(?:questions?|vragen|vraag|info|information|informatie)(?: \w+)? "
    r"(?:about|on|regarding|over)\s+$",
    _I,
)


def booking(text: str, start: int, end: int) -> bool:
    """ "Questions about your bill?", "book your check-up": general service information."""
    before = text[max(0, start - 30) : start]
    if _QUESTIONS_ABOUT.search(before):
        return True
    if not _BOOKING_NOUNS.search(text, start, end):
        return False
    after = text[end : end + 40].split(".")[0]
    return bool(_BOOKING.search(before[-20:]) or _BOOKING.search(after))


# Case-insensitive matching is several times slower in ``re``: the rules run on the lower-cased
# text instead, except the few that need a capital (a name after "Dr.").
_LOWER_RULES = tuple(
    (category, re.compile(rule.pattern))
    for category, rules in (("patient_relationship", RELATIONSHIP), ("care_detail", CARE_DETAIL))
    for rule in rules
    if "(?-i:" not in rule.pattern
)
_CASED_RULES = tuple(
    (category, rule)
    for category, rules in (("patient_relationship", RELATIONSHIP), ("care_detail", CARE_DETAIL))
    for rule in rules
    if "(?-i:" in rule.pattern
)
_ALL_RULES = tuple(
    (category, rule)
    for category, rules in (("patient_relationship", RELATIONSHIP), ("care_detail", CARE_DETAIL))
    for rule in rules
)


def find_reply_rules(text: str) -> list[tuple[str, int, int]]:
    """``(category, start, end)`` for every relationship or care-detail phrase in ``text``."""
    hits: list[tuple[str, int, int]] = []
    lower = text.lower()
    if len(lower) == len(text):  # lower-casing kept every offset
        runs = [(lower, _LOWER_RULES), (text, _CASED_RULES)]
    else:
        runs = [(text, _ALL_RULES)]
    for subject, rules in runs:
        for category, rule in rules:
            hits.extend(
                (category, m.start(), m.end())
                for m in rule.finditer(subject)
                if not (category == "care_detail" and booking(text, m.start(), m.end()))
            )
    for m in YOUR_PROVIDER.finditer(text):
        if _ADVICE_BEFORE.search(text, max(0, m.start() - 20), m.start()):
            continue
        if _ADVICE_AFTER.match(text, m.end()):
            continue
        hits.append(("patient_relationship", m.start(), m.end()))
    return hits


# words allowed between "that" and the condition: "that nasty infection", "die ontstoken kies"
DESCRIBING = words(
    "nasty bad awful painful stubborn old new little big sore ontstoken pijnlijke vervelende "
    "nare oude nieuwe kleine grote hardnekkige lastige"
)


# The reader's own situation, past or present: "you were", "you had", "u heeft gehad", "je bent".
PAST_OR_NOW = re.compile(
    r"\b(?:you (?:were|had|got|did|came|went|felt|needed|are|have|'re|'ve)|you're|you've|"
    r"(?:u|je|jij) (?:was|had|kreeg|kwam|voelde|bent|hebt|heeft|zat|lag|moest)|"
    r"(?:bent|heeft|hebt|was) (?:u|je|jij))\b",
    _I,
)
