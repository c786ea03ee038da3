"""Stage 4, corpus: the rules of the steps over all documents, as pure functions over rows (no
database): facts (claims that report the same event), claim flags, citations between documents,
stable ids. store/cross.py applies them to the stored rows (entities merged across documents are
merged there, by extract/entities.qualified_base)."""
