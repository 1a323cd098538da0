"""The live story page: one template, one script (package data), no build step."""
