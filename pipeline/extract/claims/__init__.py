"""Claims: which sentences are check-worthy statements, of what kind and modality (rules.py)."""
