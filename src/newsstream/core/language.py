"""Language identification with py3langid (model ships with the package)."""

from __future__ import annotations

import py3langid

SUPPORTED = ("en", "de")
UNDETERMINED = "und"


def detect_language(text: str, declared: str | None = None) -> str:
    """ISO 639-1 code of ``text``; a declared code wins; ``und`` when there is no text."""
    if declared:
        return declared.lower()
    sample = text[:2000].strip()
    if not sample:
        return UNDETERMINED
    code, _score = py3langid.classify(sample)
    return str(code)
