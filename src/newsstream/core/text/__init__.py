"""Text basics: language, sentences and tokens, dates, word frequencies, lexicons and
text fingerprints. The lowest layer of the core: it imports nothing from
``entities``, ``events`` or ``stories``."""
