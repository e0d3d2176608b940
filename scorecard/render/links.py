"""Which addresses become links, in every output: one rule, so that a workbook can never link
what the site refuses."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# What str.isspace() calls white space (re uses the same table), and control characters.
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f]")


def http_url(value: object) -> str | None:
    """The URL if it is a plain http(s) address, else None: only these become links, so evidence
    cannot smuggle in javascript:, data: or file: targets, nor disguise a host behind user
    information (https://example.org:login@evil.example/ goes to evil.example)."""
    if not isinstance(value, str) or not value or _SPACE_OR_CONTROL.search(value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or "@" in parts.netloc or "\\" in parts.netloc:
        return None
    return value
