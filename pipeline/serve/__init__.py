"""Stage 7, serve: Datasette over a built database (serve.py), with the audit pages in datasette/."""
