"""Stage 2, clean: pure functions from a RawDocument to a CleanDocument (classified paragraphs over
one cleaned text, footnote markers detached, metadata read from the text).

markup.py unescapes and detaches footnote markers; document.py rejoins words and paragraphs;
classify.py gives each paragraph its kind (blocks.py: the paragraph being cleaned);
metadata.py reads title, author, date and source URL from the text.
"""
from .document import clean_document

__all__ = ["clean_document"]
