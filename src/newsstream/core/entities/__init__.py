"""Entity finding: known names (gazetteer), is-it-a-name token profiles, mentions
in sentences, and their merge into an article's entities. Builds on ``text``."""
