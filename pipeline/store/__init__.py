"""Stage 5, store: the SQLite database (the only package that imports sqlite_utils).

write.py saves the rows of every document and the cross-document rows corpus/ computes;
check.py verifies a built database's invariants.
"""
