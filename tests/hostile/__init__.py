"""Hostile inputs and events (issue 13): each case is generated in its test, never committed as a file.

Every test carries a pytest timeout: it is a hang guard, not a speed target (timings are in `make bench`
and the issue's closing note). A regression to super-linear code fails fast instead of stalling CI.
"""
