"""The text of each request, built from the rubric: its questions grouped by section, what kind
of answer helps, the legal basis and the date a reply is due. Plain text, ready to paste into an
email. A rubric may carry its own wording (`request:` with `subject`, `introduction`, `closing`);
otherwise the generic wording here is used, which names no framework."""

from __future__ import annotations

import datetime as dt
import re
import typing as t

from scorecard.rounds.deadlines import WORKING_DAYS_TO_REPLY

if t.TYPE_CHECKING:
    from scorecard.models.rubric import Criterion, Rubric
    from scorecard.register import Body

DEFAULT_INTRODUCTION = (
    "I am writing to ask what {body} has in place, for a survey of every {label} against "
    "\"{rubric}\". The same questions go to each {label}, so that the answers can be compared "
    "fairly and published with their sources."
)
DEFAULT_CLOSING = "Thank you for your help."
_PLACEHOLDER = re.compile(r"\{(body|rubric|label|sent|due)\}")


def long_date(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _fill(text: str, values: dict[str, str]) -> str:
    # Only the named placeholders are filled; rubric text is data, never a format string.
    return _PLACEHOLDER.sub(lambda m: values[m[1]], text)


def what_helps(criterion: Criterion) -> str:
    """What kind of answer helps, in words, from the answer's type."""
    answer = criterion.answer
    if answer.type == "number":
        return f"the figure, in {answer.unit}, with the period it covers and where it comes from."
    if answer.type == "multi":
        labels = [o.label for o in answer.options]
        return "which of these it covers: " + "; ".join(labels) + "."
    if answer.type == "boolean":
        return "yes or no, with the document that shows it."
    return "a short description of what is in place, with a copy of (or a link to) the document that sets it out."


def request_text(rubric: Rubric, body: Body, sent: dt.date, due: dt.date) -> str:
    wording: dict[str, str] = dict(rubric.request or {})
    values = {
        "body": body.name, "rubric": rubric.title, "label": rubric.organisation_label,
        "sent": long_date(sent), "due": long_date(due),
    }
    subject = _fill(wording.get("subject", "Freedom of Information request: {rubric}"), values)
    lines = [
        f"To: the Freedom of Information officer, {body.name}",
        f"Subject: {subject}",
        "",
        "Dear Freedom of Information officer,",
        "",
        _fill(wording.get("introduction", DEFAULT_INTRODUCTION), values),
        "",
        "Under section 1 of the Freedom of Information Act 2000, please tell me whether you hold "
        "recorded information that answers each question below and, if you do, send it to me. "
        "I am asking for information you already hold, not for new work: where you hold nothing "
        "for a question, please say so.",
        "",
    ]
    for number, section in enumerate(rubric.sections, start=1):
        lines.append(f"{number}. {section.title}")
        lines.append("")
        for item, criterion in enumerate(section.criteria, start=1):
            lines.append(f"{number}.{item} {criterion.question}")
            lines.append(f"     What helps: {what_helps(criterion)}")
            lines.append("")
    lines += [
        "How to answer",
        "",
        "* A short answer in your own words is welcome, with the document it comes from (a copy, "
        "or a link to where it is published).",
        "* Where a question asks for a figure, please give the number, the period it covers and its source.",
        "* If you withhold any part, please send the rest, and say which exemption you rely on and "
        "why (section 17 of the Act).",
        "* If answering everything would exceed the cost limit, please answer what you can and "
        "advise me how to narrow the rest (section 16).",
        "",
        f"Section 10 of the Act asks you to reply promptly and no later than the twentieth working "
        f"day following the date of receipt. This request is sent on {values['sent']}; received "
        f"that day, a reply is due by {values['due']} at the latest ({WORKING_DAYS_TO_REPLY} "
        "working days, not counting weekends or bank holidays in any part of the United Kingdom).",
        "",
    ]
    lines += [_fill(wording.get("closing", DEFAULT_CLOSING), values), ""]
    lines += ["Yours faithfully,", "", "[your name]", "[an address for the reply]", ""]
    return "\n".join(lines)


def review_text(rubric: Rubric, body: Body, sent: dt.date, due: dt.date, answered: dt.date | None,
                refused: bool, exemption: str, reference: str, today: dt.date) -> str:
    """A request for an internal review, for a request overdue or refused."""
    ref = f" (your reference {reference})" if reference else ""
    if refused:
        what = f"On {long_date(t.cast(dt.date, answered))} you refused it" + (f", relying on {exemption}" if exemption else "") + "."
        ask = ("Please review that decision: whether the refusal is right for all of the information "
               "asked for (and, where an exemption is qualified, whether the public interest favours "
               "disclosure), and send whatever can be released.")
    else:
        what = (f"A reply was due by {long_date(due)}, the twentieth working day following receipt "
                f"(section 10 of the Act). As of {long_date(today)} I have had none.")
        ask = "Please carry out an internal review of how the request has been handled, and reply to it in full without further delay."
    lines = [
        f"To: the Freedom of Information officer, {body.name}",
        f"Subject: Request for an internal review: Freedom of Information request of {long_date(sent)}{ref}",
        "",
        "Dear Freedom of Information officer,",
        "",
        f"On {long_date(sent)} I asked {body.name}, under section 1 of the Freedom of Information "
        f"Act 2000, for information for a survey against \"{rubric.title}\"{ref}. {what}",
        "",
        ask,
        "",
        "If I am not satisfied with the outcome I may ask the Information Commissioner to decide "
        "whether the request has been dealt with in line with the Act (section 50).",
        "",
        "Yours faithfully,", "", "[your name]", "",
    ]
    return "\n".join(lines)
