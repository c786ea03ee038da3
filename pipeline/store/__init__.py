"""Stage 5, store: the SQLite database (the only package that imports sqlite_utils).

write.py saves the rows of every document, writing a new database or updating one in place;
cross.py does the steps across documents on the stored rows (for everything, or for what the
documents an update added or removed reach); check.py verifies a database's invariants.
"""
