"""Language identification: declared codes, English/German prose, headlines, others."""

from __future__ import annotations

import pytest

from newsstream.core.text.language import UNDETERMINED, detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kestrel Analytics hires new finance chief", "en"),
        ("Brandholz ernennt neue Vorstandschefin", "de"),
        ("Wiesner kehrt zurück", "de"),
        ("Microsoft hires Altman", "en"),
        (
            "The company said on Tuesday that its chief executive would leave after the "
            "annual meeting, which had been delayed twice this year.",
            "en",
        ),
        (
            "Der Konzern teilte am Dienstag mit, dass die Chefin nach der Hauptversammlung "
            "ausscheiden wird. Sie war seit 2019 im Amt und hat den Umbau geleitet.",
            "de",
        ),
        (
            "Le conseil d'administration a remplacé la directrice générale, a indiqué la "
            "société mardi soir.",
            "fr",
        ),
        ("El consejo de administración destituyó al consejero delegado de la empresa.", "es"),
        (
            "De raad van bestuur heeft de topvrouw ontslagen, zo maakte het bedrijf bekend. "
            "Zij was niet eerlijk tegen de raad.",
            "nl",
        ),
    ],
)
def test_detects_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_declared_language_wins_and_is_lower_cased() -> None:
    assert detect_language("Der Vorstand hat entschieden.", "EN") == "en"


@pytest.mark.parametrize("text", ["", "   \n  "])
def test_empty_text_is_undetermined(text: str) -> None:
    assert detect_language(text) == UNDETERMINED
