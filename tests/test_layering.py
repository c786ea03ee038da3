"""Data flows one way: no module of an earlier stage imports a later one.

Every module of the package is parsed with `ast` (imports inside functions count too) and each
import of a pipeline module is checked against the stage order below.
"""
import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "pipeline"

# Stages in the order data flows; a module may import its own stage and earlier ones only.
# The first part of a module's dotted name (below `pipeline`) says its stage; "" is pipeline/__init__.py.
STAGE_ORDER = [
    {"", "types", "lexicon"},
    {"ingest"},
    {"clean"},
    {"nlp"},
    {"extract"},
    {"corpus"},
    {"store"},
    {"build"},
    {"serve"},
    {"cli", "__main__"},
]
RANK = {name: rank for rank, names in enumerate(STAGE_ORDER) for name in names}
# Libraries only one stage may import (SPEC.md: only ingest reads PDFs, only store writes SQLite).
LIBRARY_OWNERS = {"pdfplumber": "ingest", "pdfminer": "ingest", "docx": "ingest", "sqlite_utils": "store",
                  "datasette": "serve"}


def _module_name(path: pathlib.Path) -> list[str]:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def _is_module(parts: list[str]) -> bool:
    target = PACKAGE.joinpath(*parts) if parts else PACKAGE
    return target.with_suffix(".py").is_file() or (target / "__init__.py").is_file()


def _imports(path: pathlib.Path):
    """(pipeline module parts, line) for each pipeline import; ("<lib>", name, line) for libraries."""
    here = _module_name(path)
    package = here if path.name == "__init__.py" else here[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top, *rest = alias.name.split(".")
                if top == "pipeline":
                    yield rest, node.lineno
                else:
                    yield ("<lib>", top, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - (node.level - 1)] if node.level > 1 else list(package)
                module = base + (node.module.split(".") if node.module else [])
            elif node.module and node.module.split(".")[0] == "pipeline":
                module = node.module.split(".")[1:]
            else:
                yield ("<lib>", (node.module or "").split(".")[0], node.lineno)
                continue
            for alias in node.names:  # `from .. import clean` imports the clean package
                yield (module + [alias.name] if _is_module(module + [alias.name]) else module), node.lineno


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_belongs_to_a_stage():
    unknown = {_module_name(p)[0] if _module_name(p) else "" for p in MODULES} - set(RANK)
    assert not unknown, f"add these to STAGE_ORDER: {sorted(unknown)}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_stage_imports_a_later_one(path):
    own = _module_name(path)
    stage = own[0] if own else ""
    wrong = []
    for item in _imports(path):
        if item[0] == "<lib>":
            _, library, line = item
            owner = LIBRARY_OWNERS.get(library)
            if owner and owner != stage:
                wrong.append(f"line {line}: imports {library}, which only {owner}/ may import")
            continue
        target, line = item
        target_stage = target[0] if target else ""
        if RANK[target_stage] > RANK[stage]:
            wrong.append(f"line {line}: {stage or 'pipeline'} imports {'.'.join(['pipeline', *target])}, a later stage")
    assert not wrong, "\n".join(wrong)

