"""Stage 3, extract: rows from a cleaned document and the spaCy parses of its prose paragraphs.

document.py places the rows (sentences, mentions, dates, money, percentages, claims, notes) in the
document; the rules live in entities.py, dates.py, money.py, percentages.py, notes.py and claims/.
"""
from .document import extract_document, iter_prose

__all__ = ["extract_document", "iter_prose"]
