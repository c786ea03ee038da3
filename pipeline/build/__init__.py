"""Stage 6, build: run.py orchestrates a build (plan, worker pool, streaming into the store);
worker.py is the per-document work (ingest -> clean -> spaCy -> extract) with the cache (cache.py)."""
