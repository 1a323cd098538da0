"""Quality measurement on labelled data (offline, through the same core as the worker)."""
