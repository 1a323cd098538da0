"""Event finding: trigger patterns, the clause around a trigger, actors,
organisations, scope and the merge of reports of one event. Builds on ``text`` and
``entities``."""
