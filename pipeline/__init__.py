"""Document ingestion and claim extraction: raw/ -> extracted/claims.db, served with Datasette."""

__version__ = "0.2.0"
# Bumped whenever a rule change alters what is extracted, so cached results are recomputed.
PIPELINE_VERSION = __version__
