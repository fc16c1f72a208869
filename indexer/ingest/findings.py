"""What a finding says beyond its words: who must act, by when, and the grades a report gives.

All of it is read from the paragraph's own text with patterns written from how the
inspectorates phrase things (see the genre notes in the README), never from one report.
"""

from __future__ import annotations

import re

from indexer.ingest.structure import MONTHS

# -- addressees --------------------------------------------------------------------------------

# Who a finding asks to act, named as the subject of "should", "must", "needs to" ...
ACTORS: tuple[tuple[str, str], ...] = (
    ("chief constables", r"(?:all |every )?chief constables?|all forces|forces"),
    # A force by name is capitalised: "Kent Police" (the rest of the patterns ignore case).
    ("the force", r"the (?:force|constabulary)|(?-i:[A-Z][a-z]+(?: [A-Z][a-z]+){0,3} (?:Police|Constabulary))"),
    ("NPCC", r"(?:the )?(?:npcc|national police chiefs'? council)(?: lead[\w ,'-]{0,60})?"),
    ("PCCs", r"(?:all )?(?:police(?:,)? (?:fire )?and crime commissioners|pccs)"),
    ("College of Policing", r"(?:the )?college of policing"),
    ("Home Office", r"(?:the )?home office"),
    ("CPS", r"(?:the )?(?:cps|crown prosecution service)"),
    ("local safeguarding partners", r"(?:the )?(?:local )?safeguarding (?:partners|partnerships?)|the partnership"),
    ("local authorities", r"(?:the )?local authorit(?:y|ies)"),
)
MODAL_RE = re.compile(r"\b(?:should|must|needs? to|will need to|is required to|are required to)\b", re.I)
SUBJECT_SPAN = 120
"""How far before the modal verb the subject may start (one clause)."""
ACTOR_RES = tuple(
    (name, re.compile(rf"(?:^|[\s,;(])(?:{pattern})(?:\s+(?:and|or)\b|[\s,;)]*$)", re.I)) for name, pattern in ACTORS
)

# The agencies a finding is about, named anywhere in it: JTAI letters address their areas for
# improvement to the partnership, and which agency each is about is what a force's office needs.
AGENCIES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.I))
    for name, pattern in (
        ("police", r"\bpolice\b(?! and crime commissioner)|\bthe force\b|\bconstabulary\b"),
        (
            "children's social care",
            r"children['’]s social care|\bsocial workers?\b|children['’]s services"
            r"|\blocal authority\b",
        ),
        (
            "health",
            r"\bhealth (?:visitors?|services?|partners|professionals|providers)\b|\bCCGs?\b|\bNHS\b"
            r"|\bCAMHS\b|school nurs\w+|\bGPs?\b|\bhospitals?\b|\bemergency departments?\b",
        ),
        ("youth offending team", r"youth offending|\bYOT\b|\bYOS\b|youth justice service"),
        ("education", r"\bschools?\b(?! nurs)|\beducation (?:settings?|providers?)\b"),  # school nurses: health
        ("probation", r"\bprobation service\b|\bprobation practitioners?\b"),
    )
)


AGENCY_WORDS = {
    "police": ("police", "force", "constabulary"),
    "children's social care": ("social", "children", "local authority"),
    "health": ("health", "ccg", "nhs", "camhs", "nurs", "gp", "hospital", "emergency"),
    "youth offending team": ("youth", "yot", "yos"),
    "education": ("school", "education"),
    "probation": ("probation",),
}
"""Words one of which an agency's pattern needs: a cheap test before the pattern is run."""


def addressees(text: str) -> tuple[str, ...]:
    """Who a finding asks to act, then the agencies it is about, each once, in that order."""
    found: list[str] = []
    for modal in MODAL_RE.finditer(text):
        clause = re.split(r"[.;:]\s", text[max(0, modal.start() - SUBJECT_SPAN) : modal.start()])[-1]
        for name, pattern in ACTOR_RES:
            if pattern.search(clause) and name not in found:
                found.append(name)
    lowered = text.lower()
    found += [
        name
        for name, pattern in AGENCIES
        if name not in found and any(word in lowered for word in AGENCY_WORDS[name]) and pattern.search(text)
    ]
    return tuple(found)


# -- deadlines ---------------------------------------------------------------------------------

NUMBER_WORDS = r"\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|twenty-four"
DEADLINE_RE = re.compile(
    rf"\b(?:within (?:the next )?(?:{NUMBER_WORDS}) (?:days?|weeks?|months?|years?)"
    rf"|by (?:the end of )?(?:(?:\d{{1,2}}(?:st|nd|rd|th)? )?(?:{MONTHS}) \d{{4}}|(?:19|20)\d{{2}})"
    rf"|immediately)\b",
    re.I,
)


def deadline(text: str) -> str | None:
    """A finding's deadline as printed ("by 31 March 2021", "within six months"), if it states one."""
    match = DEADLINE_RE.search(text)
    if not match:
        return None
    words = match.group(0)
    return words[:1].lower() + words[1:]


# -- grades -------------------------------------------------------------------------------------

GRADES = (
    "not sufficiently good",
    "reasonably good",
    "requires improvement",
    "outstanding",
    "inadequate",
    "adequate",
    "good",
    "poor",
)
"""PEEL's scale (adequate from 2021), and HM Inspectorate of Prisons' for custody; longest first."""
_GRADE = "|".join(grade.replace(" ", r"\s+") for grade in GRADES)
_QUOTE_OPEN, _QUOTE_CLOSE = "['‘\"“]?", "['’\"”]?"
# A line that is only a grade, under the question it grades: "Good", "Grade: requires improvement".
BARE_GRADE_RE = re.compile(
    rf"^(?:(?:overall )?(?:grade|graded|judgement|judgment|rating)\s*:?\s*)?{_QUOTE_OPEN}(?P<grade>{_GRADE})"
    rf"{_QUOTE_CLOSE}\.?$",
    re.I,
)
# "The extent to which the force is efficient ... is: good.", "How effective is the force ...? Good"
QUESTION_GRADE_RE = re.compile(
    rf"^(?:the extent to which|how (?:effective|efficient|legitimate|well)|overall)\b[^\n]{{0,300}}?"
    rf"(?:\bis|\bare|\bwas|\?)\s*:?\s*{_QUOTE_OPEN}(?P<grade>{_GRADE}){_QUOTE_CLOSE}\s*[.!]?$",
    re.I,
)
# "has been graded as 'good'", "we judged the force to be inadequate at ...".
GRADED_AS_RE = re.compile(
    rf"\b(?:graded(?: it)?(?: as)?|judged (?:it|the force|the constabulary|[A-Z][\w ]{{2,40}}?) (?:to be|as)"
    rf"|rated(?: as)?)\s+{_QUOTE_OPEN}(?P<grade>{_GRADE}){_QUOTE_CLOSE}(?![\w-])",
    re.I,
)


def stated_grade(text: str) -> str | None:
    """The grade a paragraph states, if it states one."""
    text = " ".join(text.split())
    for pattern in (BARE_GRADE_RE, QUESTION_GRADE_RE, GRADED_AS_RE):
        match = pattern.search(text)
        if match:
            return " ".join(match["grade"].lower().split())
    return None


def is_bare_grade(text: str) -> bool:
    """True for a paragraph that is only a grade: it grades the question or section it sits under."""
    return bool(BARE_GRADE_RE.match(" ".join(text.split())))
