"""The vocabulary: every value the rubric, the evidence and the scorecard enumerate, once, and the
words a person reads for each of them.

One `typing.Literal` per enumeration is the single source of its values: the models type their
fields with it and the value tuples below are read from it (`t.get_args`), so adding a value is
one edit here (and one in the JSON Schema, which a test holds to the models). The dictionaries of
words are the only place the site, the workbooks and the self-assessment form take their wording
of these values from.

Imports nothing of the package: everything else may import it.
"""

from __future__ import annotations

import typing as t

# ---------------------------------------------------------------- values

Kind = t.Literal["foi-response", "self-assessment", "desk-research"]  # how a record's evidence was gathered
Response = t.Literal["replied", "refused", "no-reply"]  # whether the body answered (response order: best first)
RecordOutcome = t.Literal["not-applicable", "not-held", "refused", "not-answered"]  # why a record's answer has no value
AnswerOutcome = t.Literal["answered", RecordOutcome]  # what a rubric's condition may test an answer for
Outcome = t.Literal[AnswerOutcome, "not-assessed"]  # a criterion result's: or the round did not ask
Severity = t.Literal["concern", "caveat", "note"]  # of a rubric's flag
Direction = t.Literal["lower-is-better", "higher-is-better"]  # of a number answer
Scoring = t.Literal["bands", "rank"]  # how a number answer scores
Relation = t.Literal["same", "successor", "new"]  # of a body to the earlier round's, in a comparison
ChangeDirection = t.Literal["up", "down", "unchanged"]  # of a body's percent since the earlier round
# Where a round's request to a body stands (its tracker, requests.csv).
RequestState = t.Literal["not-sent", "sent", "replied", "refused", "review-requested", "complained", "withdrawn"]

KINDS: tuple[Kind, ...] = t.get_args(Kind)
RESPONSES: tuple[Response, ...] = t.get_args(Response)
RECORD_OUTCOMES: tuple[RecordOutcome, ...] = t.get_args(RecordOutcome)
ANSWER_OUTCOMES: tuple[AnswerOutcome, ...] = t.get_args(AnswerOutcome)
OUTCOMES: tuple[Outcome, ...] = t.get_args(Outcome)
CHANGE_DIRECTIONS: tuple[ChangeDirection, ...] = t.get_args(ChangeDirection)
REQUEST_STATES: tuple[RequestState, ...] = t.get_args(RequestState)

# ---------------------------------------------------------------- words
# Where the site and the workbook word a value differently, both keep their own (the published
# outputs are unchanged) and the difference is named here: the workbook's words are the short ones
# of a spreadsheet column and of the form a body fills in ("Not held" is the form's dropdown
# choice); the site's (SITE_...) are read in a sentence by someone who has not seen the form.

YES, NO = "Yes", "No"  # a boolean answer, and a yes-or-no column, in every output and on the form
KIND_WORDS: dict[Kind, str] = {
    "foi-response": "Freedom of Information request",
    "self-assessment": "self-assessment",
    "desk-research": "desk research",
}
RESPONSE_WORDS: dict[Response, str] = {"replied": "Replied", "refused": "Refused", "no-reply": "Did not reply"}
SITE_RESPONSE_WORDS: dict[Response, str] = {**RESPONSE_WORDS, "refused": "Refused to answer"}
NO_RECORD = "No record"  # the response of a body with no record in a round
OUTCOME_WORDS: dict[Outcome, str] = {
    "answered": "Answered",
    "not-applicable": "Not applicable",
    "not-held": "Not held",
    "refused": "Refused",
    "not-answered": "Not answered",
    "not-assessed": "Not assessed in this round",
}
SITE_OUTCOME_WORDS: dict[Outcome, str] = {**OUTCOME_WORDS, "not-held": "Information not held"}
SEVERITY_WORDS: dict[Severity, str] = {"concern": "Concern", "caveat": "Caveat", "note": "Note"}
DIRECTION_WORDS: dict[Direction, str] = {"lower-is-better": "lower is better", "higher-is-better": "higher is better"}
RELATION_WORDS: dict[Relation, str] = {"same": "Same body", "successor": "Successor", "new": "New body"}
# Arrows beside a change; always followed by the change in words, never shown alone.
ARROWS: dict[ChangeDirection, str] = {"up": "▲", "down": "▼", "unchanged": "="}
