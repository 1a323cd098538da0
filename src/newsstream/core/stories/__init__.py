"""Story consolidation: the evidence an article brings, candidate lookup, scoring,
near-duplicates, the story state and its timeline, entity table and record, ageing,
and the engine that decides per article. Builds on what extraction produced."""
