"""Stage 4, corpus: the steps over all documents, as pure functions over rows (no database):
canonical entities across documents, facts (claims that report the same event), claim flags."""
