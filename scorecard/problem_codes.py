"""The catalogue of problem codes: one stable kebab-case code per thing a user must fix.

A code names the cause, not the place in scorecard that found it, so one code is raised wherever
the same fix applies (a body missing from the register is `unknown-body` in an evidence record, a
tracker, an area overlay or a workbook). Codes are part of the `--output-format json` contract:
never rename one; add a new code instead. `Problem` refuses a code that is not listed here, and
the README's "Problem codes" table is held to this catalogue by a test.
"""

from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:  # only for the type: every command imports problems, and importing jsonschema is slow
    import jsonschema


class Entry(t.NamedTuple):
    title: str
    description: str


CODES: dict[str, Entry] = {
    # ---- files and folders
    "no-such-file": Entry("No such file", "A file or folder that was named, or that a round needs, does not exist."),
    "not-a-regular-file": Entry("Not a regular file", "A folder, pipe, socket or device was given where a file is read."),
    "unreadable-file": Entry("Unreadable file", "The operating system refused to read a file or list a folder."),
    "file-too-large": Entry("File too large", "A file, or a workbook's unpacked contents, is over scorecard's size limit."),
    "empty-file": Entry("Empty file", "A file holds nothing (or only blank space) where content is expected."),
    "empty-folder": Entry("Empty folder", "A folder given as a round holds no evidence records."),
    "stray-file": Entry("Stray file", "A round folder holds a file that looks like a record but is not read as one."),
    "record-exists": Entry("Record exists", "A record would be written over one that exists; give --force to replace it."),
    "cannot-write": Entry("Cannot write", "An output file could not be written or published whole."),
    "output-busy": Entry("Output busy", "Another scorecard run is writing into the same output folder."),
    # ---- text and syntax
    "byte-order-mark": Entry("Byte-order mark", "A text file starts with a byte-order mark; save it as UTF-8 without one."),
    "not-utf8": Entry("Not UTF-8", "A text file holds bytes that are not UTF-8 text."),
    "not-json": Entry("Not JSON", "A file is not valid JSON."),
    "not-yaml": Entry("Not YAML", "A file is not valid YAML, or uses YAML features rubrics do not allow (tags, merge keys)."),
    "not-csv": Entry("Not CSV", "A file cannot be read as CSV (an unclosed quote, a field over the limit)."),
    "duplicate-key": Entry("Duplicate key", "A JSON object or YAML mapping gives the same key twice."),
    "bad-number": Entry("Bad number", "A number is NaN, infinite, too large or too long to be read."),
    "too-deep": Entry("Nested too deeply", "A document is nested too deeply, or expands to too many values, to be read."),
    "lone-surrogate": Entry("Half a character", "A JSON string holds half of a character (a lone surrogate escape)."),
    # ---- shape (JSON Schema and models)
    "schema-invalid": Entry("Not the expected shape", "A value breaks a rule of the schema not covered by a more specific code."),
    "missing-key": Entry("Missing key", "A required key is missing."),
    "unknown-key": Entry("Unknown key", "A key is not one the schema allows here."),
    "wrong-type": Entry("Wrong type", "A value has the wrong type (text where a number is expected, and so on)."),
    "value-not-allowed": Entry("Value not allowed", "A value is not one of the values allowed here."),
    "bad-format": Entry("Bad format", "A value does not have the form required (an id, a date, a web address)."),
    "out-of-range": Entry("Out of range", "A number, length or count is outside the limits allowed."),
    "value-too-long": Entry("Value too long", "A text is longer than the limit."),
    "missing-value": Entry("Missing value", "A field, cell or row that must be filled in is empty."),
    "not-a-number": Entry("Not a number", "A value that must be a number is not one."),
    "not-a-date": Entry("Not a date", "A value that must be a date (YYYY-MM-DD) or a month is not one."),
    "bad-link": Entry("Bad link", "A link is not an http(s) address."),
    # ---- rubrics
    "wrong-rubric": Entry("Wrong rubric", "A record, round or workbook is for another rubric or another major version of it."),
    "unknown-rubric": Entry("Unknown rubric", "A rubric named is neither a file nor a bundled rubric."),
    "no-rubric-named": Entry("No rubric named", "No rubric was given, and no record names the rubric it answers."),
    "different-rubrics": Entry("Different rubrics", "Two rounds to compare answer different rubrics; only rounds of one rubric can be compared."),
    "duplicate-id": Entry("Duplicate id", "An id is used twice where ids must be unique."),
    "duplicate-option": Entry("Duplicate option", "An answer option appears twice in one criterion."),
    "bad-points": Entry("Bad points", "A criterion's points cannot be earned or do not agree with its max_points."),
    "bad-levels": Entry("Bad levels", "A multi answer's levels are out of order or need more options than it offers."),
    "bad-bands": Entry("Bad bands", "Bands (of a number answer or of the rubric) are out of order or leave values uncovered."),
    "bad-range": Entry("Bad range", "A number answer's minimum is above its maximum."),
    "bad-condition": Entry("Bad condition", "A condition compares a criterion in a way its answer type cannot be compared."),
    "unknown-criterion": Entry("Unknown criterion", "A criterion id is not in the rubric."),
    "unknown-section": Entry("Unknown section", "A section id is not in the rubric."),
    "unknown-category": Entry("Unknown category", "A category id is not in the rubric."),
    # ---- registers and bodies
    "unknown-register": Entry("Unknown register", "A register named is not found, or is not in the rubric's series of registers."),
    "register-outside-folder": Entry("Register outside folder", "A rubric names a register file outside its own folder."),
    "register-not-in-force": Entry("Register not in force", "No register of the series was in force on the day the evidence was gathered."),
    "wrong-columns": Entry("Wrong columns", "A CSV file lacks a column it needs, or has one it should not."),
    "wrong-cell-count": Entry("Wrong cell count", "A CSV row has more or fewer cells than the header."),
    "no-rows": Entry("No rows", "A file that must list something lists nothing usable."),
    "duplicate-row": Entry("Duplicate row", "The same thing has two rows in a CSV file."),
    "unknown-body": Entry("Unknown body", "A body code is not in the register."),
    "duplicate-body": Entry("Duplicate body", "A body has two records, rows or workbooks where it may have one."),
    "missing-body": Entry("Missing body", "A body of the register has no row where every body needs one."),
    "bad-body-code": Entry("Bad body code", "A register code cannot name a web page (the characters allowed, a reserved name, case)."),
    "bad-predecessor": Entry("Bad predecessor", "A predecessor in a register's changes is not written CODE or CODE(part)."),
    "bad-succession": Entry("Bad succession", "A register's changes give one body whole to two successors, or whole and in part."),
    # ---- evidence and rounds
    "misnamed-record": Entry("Misnamed record", "A record's file name is not its body's code."),
    "mixed-rounds": Entry("Mixed rounds", "Records, or records and round.json, are from different rounds."),
    "unknown-source": Entry("Unknown source", "An answer names a source that the record or workbook does not list."),
    "answers-without-reply": Entry("Answers without a reply", "A body that refused or did not reply has answers."),
    "needless-previous-answer": Entry("Needless previous answer", "A previous answer is kept that the revision did not change, or without a revision."),
    "bad-gathering-period": Entry("Bad gathering period", "round.json's gathering dates are incomplete or in the wrong order."),
    "not-assessed-but-answered": Entry("Answered but not assessed", "round.json lists a criterion as not assessed that records answer."),
    "round-still-open": Entry("Round still open", "A body has replied without an imported record, or is not yet overdue."),
    # ---- requests (requests.csv)
    "inconsistent-request": Entry("Inconsistent request", "A request's dates, state or exemption contradict each other."),
    "already-sent": Entry("Already sent", "A request has been sent already."),
    "request-withdrawn": Entry("Request withdrawn", "A request was withdrawn, so nothing more is done with it."),
    "cannot-record": Entry("Cannot record", "A step of a request cannot be recorded in its present state."),
    # ---- area overlays and measure downloads
    "page-name-taken": Entry("Page name taken", "An area overlay's page name is already used by the site."),
    "shares-do-not-add-up": Entry("Shares do not add up", "An area's shares of its bodies do not add up to 1."),
    "bad-hex-map": Entry("Bad hex map", "A hex map is not HexJSON, or a hex is misplaced or off the grid."),
    "figures-without-source": Entry("Figures without a source", "A two-column file of figures is given without a title (or with a link that is not http(s))."),
    "measure-mismatch": Entry("Measure mismatch", "A measure download does not match the criterion (its measure, organisation type, unit or definition)."),
    # ---- self-assessment workbooks
    "not-a-workbook": Entry("Not a workbook", "A file is not an .xlsx workbook (another spreadsheet format, or not one at all)."),
    "macros-refused": Entry("Macros refused", "A workbook contains macros or is a macro-enabled or binary workbook."),
    "unsafe-xml": Entry("Unsafe XML", "A workbook holds XML entity or DTD declarations, or cannot be read safely."),
    "not-a-template": Entry("Not a template", "A workbook is not a scorecard template, or its sheets, rows or headings were changed."),
    "template-version": Entry("Old template", "A workbook was made by a different version of scorecard."),
    "formula-not-allowed": Entry("Formula not allowed", "A cell holds a formula; type the value."),
    "cell-error": Entry("Cell error", "A cell holds a spreadsheet error such as #DIV/0!."),
    "wrong-unit": Entry("Wrong unit", "A percentage was typed where a number in another unit is asked for."),
    "answer-conflict": Entry("Conflicting answer", "A question is answered in the wrong place, or with both an answer and an outcome."),
    "incomplete-answer": Entry("Incomplete answer", "An answer lacks a part it needs (a source, a note, Yes or No for every option)."),
    "more-problems": Entry("More problems", "More problems were found than are listed."),
}


_SCHEMA_CODES = {
    "required": "missing-key",
    "additionalProperties": "unknown-key",
    "unevaluatedProperties": "unknown-key",
    "type": "wrong-type",
    "enum": "value-not-allowed",
    "const": "value-not-allowed",
    "pattern": "bad-format",
    "format": "bad-format",
    "maxLength": "value-too-long",
    **dict.fromkeys(
        ("minLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems",
         "minProperties", "maxProperties", "multipleOf"),
        "out-of-range",
    ),
    "uniqueItems": "duplicate-id",
}


def schema_code(error: jsonschema.ValidationError) -> str:
    """The code of a JSON Schema error: what the user must fix, from the rule the value broke and
    where (the evidence schema's answers object lists the rubric's criteria, so an unknown key
    there is an unknown criterion)."""
    path = list(error.absolute_path)
    if path[:1] == ["rubric"] and error.validator in ("const", "pattern"):
        return "wrong-rubric"
    if error.validator == "additionalProperties" and path in (["answers"], ["reply", "previous_answers"]):
        return "unknown-criterion"
    if error.validator == "maxProperties" and path == ["answers"]:
        return "answers-without-reply"
    if error.validator == "oneOf" and "condition" in str(error.schema):
        return "bad-condition"
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator in ("format", "pattern") and schema.get("format") == "date":
        return "not-a-date"
    if error.validator in ("format", "pattern") and (schema.get("format") == "uri" or str(schema.get("pattern", "")).startswith("^https?://")):
        return "bad-link"
    return _SCHEMA_CODES.get(str(error.validator), "schema-invalid")


_MODEL_CODES = {"missing": "missing-key", "extra_forbidden": "unknown-key"}


def model_code(error_type: str) -> str:
    """The code of a pydantic validation error, by its type."""
    if error_type in _MODEL_CODES:
        return _MODEL_CODES[error_type]
    if error_type.endswith("_type") or error_type.endswith("_parsing"):
        return "wrong-type"
    return "schema-invalid"
