"""The command line: a thin skin over the stage modules.

Each command validates its arguments, calls one library function and reports.
"""
from __future__ import annotations

import dataclasses
import json
import pathlib
import sys
from typing import Optional

import click

from . import __version__, nlp
from .build import run as build_stage
from .types import DocResult

DEFAULT_RAW = pathlib.Path("raw")
DEFAULT_DB = pathlib.Path("extracted/claims.db")
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

model_option = click.option(
    "--model", default=nlp.DEFAULT_MODEL, show_default=True, metavar="NAME",
    help="Installed spaCy pipeline to use (package name or path), e.g. en_core_web_md.")
db_option = click.option(
    "--db", type=click.Path(dir_okay=False, path_type=pathlib.Path), default=DEFAULT_DB, show_default=True,
    help="SQLite database file, e.g. extracted/claims.db.")
claim_model_option = click.option(
    "--claim-model", type=click.Path(file_okay=False, path_type=pathlib.Path), default=None, metavar="DIR",
    help="Check-worthiness classifier (made by `make model`; default models/checkworthy in the checkout), "
         "e.g. --claim-model models/checkworthy.")
quiet_option = click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary; errors only.")
# What `extract --only` can print: every field of a DocResult but the document's text (never printed).
EXTRACT_FIELDS = [f.name for f in dataclasses.fields(DocResult) if f.name != "text"]


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version")
def cli():
    """Turn a folder of reports and articles into an auditable SQLite database of claims.

    \b
    Typical use:
      claims-pipeline build raw/ --db extracted/claims.db
      claims-pipeline serve --db extracted/claims.db
    """


def _load_model(model: str):
    try:
        return nlp.load_model(model)
    except nlp.ModelNotFound as exc:
        raise click.ClickException(str(exc))


def _claim_model(path) -> pathlib.Path:
    """The classifier's folder, checked before any work starts."""
    from .extract.claims import checkworthy

    path = path or checkworthy.DEFAULT_MODEL_DIR
    try:
        checkworthy.ensure_model(path)
    except checkworthy.ModelMissing as exc:
        raise click.ClickException(str(exc))
    return path


def _read(path: pathlib.Path, **limits):
    """The file read by ingest; `limits`: parse_file's (max_text_bytes, max_pages, max_page_chars)."""
    from . import ingest
    from .types import InputError

    try:
        return ingest.parse_file(path, pathlib.Path.cwd(), **limits)
    except InputError as exc:
        raise click.ClickException(str(exc))


def _dump(data) -> None:
    click.echo(json.dumps(data, indent=1, ensure_ascii=False, default=str))


@cli.command(context_settings=CONTEXT)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=pathlib.Path))
def ingest(file):
    """Read FILE (.txt .md .html .pdf .docx) and print its pages and metadata as JSON.

    \b
    Example:
      claims-pipeline ingest raw/report.pdf | head
    """
    _dump(dataclasses.asdict(_read(file)))


@cli.command(context_settings=CONTEXT)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=pathlib.Path))
@click.option("--kind", multiple=True, metavar="KIND", help="Only paragraphs of this kind (repeatable), e.g. --kind note.")
def clean(file, kind):
    """Clean FILE and print its classified paragraphs, one JSON object per line.

    \b
    Example:
      claims-pipeline clean raw/report.txt --kind heading --kind boilerplate
    """
    from . import clean as clean_stage

    cleaned = clean_stage.clean_document(_read(file))
    click.echo(json.dumps({"metadata": dataclasses.asdict(cleaned.metadata)}, ensure_ascii=False))
    for para in cleaned.paragraphs:
        if not kind or para.kind in kind:
            click.echo(json.dumps({"seq": para.seq, "kind": para.kind, "page": para.page, "start": para.start,
                                   "text": para.text}, ensure_ascii=False))


def _limit_options(command):
    """The options limiting what is read of one file (build and extract)."""
    for option in reversed([
        click.option("--max-file-mb", type=click.FloatRange(min=0.001), default=build_stage.DEFAULT_MAX_FILE_MB,
                     show_default=True, metavar="MB",
                     help="Text files (.txt .md .html) larger than this are rejected unread, PDFs larger than ten "
                          "times this (most of a PDF is fonts and images), e.g. --max-file-mb 50."),
        click.option("--max-pages", type=click.IntRange(min=1), default=build_stage.DEFAULT_MAX_PAGES,
                     show_default=True, metavar="N", help="PDFs of more pages are rejected unread, e.g. --max-pages 20000."),
        click.option("--max-page-chars", type=click.IntRange(min=1), default=build_stage.DEFAULT_MAX_PAGE_CHARS,
                     show_default=True, metavar="N",
                     help="PDFs with a page of more characters (a poster of tiny type, a giant table) are rejected, "
                          "e.g. --max-page-chars 500000."),
    ]):
        command = option(command)
    return command


@cli.command(context_settings=CONTEXT)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=pathlib.Path))
@model_option
@claim_model_option
@click.option("--only", type=click.Choice(EXTRACT_FIELDS), metavar="FIELD",
              help=f"Print only this part of the result ({', '.join(EXTRACT_FIELDS)}), e.g. --only claims.")
@_limit_options
def extract(file, model, claim_model, only, max_file_mb, max_pages, max_page_chars):
    """Run ingest, clean and extract on FILE and print what would be stored, as JSON.

    \b
    Example:
      claims-pipeline extract raw/article.txt --only claims
    """
    from .extract.claims.checkworthy import CheckworthinessModel

    scorer = CheckworthinessModel(_claim_model(claim_model))
    raw = _read(file, max_text_bytes=int(max_file_mb * 1_000_000), max_pages=max_pages, max_page_chars=max_page_chars)
    result = build_stage.process_document(raw, _load_model(model), scorer)
    data = result.to_dict()
    data.pop("text")
    _dump(data[only] if only else data)


def _one_line(text: str) -> str:
    """A message on one line whatever a file name holds (newlines, escapes): controls shown escaped."""
    return "".join(ch if ch.isprintable() or ch == " " else repr(ch)[1:-1] for ch in text)


@cli.command(context_settings=CONTEXT)
@click.argument("raw_dir", required=False, default=str(DEFAULT_RAW), callback=lambda ctx, param, value: _raw_dir(value))
@db_option
@model_option
@claim_model_option
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Worker processes for new documents (default: the machine's cores; with --cluster, the "
                   "cluster's workers instead), e.g. -j 2.")
@click.option("--cache-dir", default=None, metavar="DIR|URL",
              help="Per-document cache (default: a cache/ folder beside the database): a folder or an fsspec URL, "
                   "e.g. /tmp/claims-cache or s3://bucket/claims-cache.")
@click.option("--no-cache", is_flag=True, help="Process every document again and write no cache entries "
                                               "(the database is built anew).")
@click.option("--rebuild", is_flag=True,
              help="Build the database anew from every document (cached results still used) instead of "
                   "updating it in place, e.g. after restoring an old copy of raw/.")
@_limit_options
@click.option("--doc-timeout", type=click.FloatRange(min=0.1), default=build_stage.DEFAULT_DOC_TIMEOUT,
              show_default=True, metavar="SECONDS",
              help="A document taking longer (larger than 1 MB of text: this long a MB) is stopped and rejected; "
                   "the build goes on, e.g. --doc-timeout 600.")
@click.option("--doc-memory-mb", type=click.FloatRange(min=1), default=build_stage.DEFAULT_DOC_MEMORY_MB,
              show_default=True, metavar="MB",
              help="A worker process using more memory (the model included) is stopped and its document "
                   "rejected; the build goes on, e.g. --doc-memory-mb 4096.")
@click.option("--lock-timeout", type=click.FloatRange(min=0), default=build_stage.DEFAULT_LOCK_TIMEOUT,
              show_default=True, metavar="SECONDS",
              help="How long to wait for another build of the same --db to finish (0: refuse at once), "
                   "e.g. --lock-timeout 0.")
@click.option("--no-ocr", is_flag=True,
              help="Do not read scanned PDF pages with Tesseract (OCR is on when Tesseract is installed); "
                   "a scan met is reported and left out, e.g. --no-ocr for a quick build of text PDFs.")
@click.option("--cluster", metavar="ADDRESS", default=None, callback=lambda ctx, param, value: _cluster(value),
              help="Produce new documents on a Dask cluster instead of local processes: a scheduler's address "
                   "(tcp://host:8786; start workers with `dask worker ADDRESS --nthreads 1`), or local:N to start "
                   "N worker processes here for this build. Workers on other machines must see the source files, "
                   "the cache and the claim model at the same paths (shared storage); this process alone writes "
                   "the database. Needs the cluster extra (pip install 'claims-pipeline[cluster]'), "
                   "e.g. --cluster local:2.")
@quiet_option
def build(raw_dir, db, model, claim_model, jobs, cache_dir, no_cache, rebuild, max_file_mb, max_pages, max_page_chars,
          doc_timeout, doc_memory_mb, lock_timeout, no_ocr, cluster, quiet):
    """Build the claims database from every source file in RAW_DIR (default raw/): a folder, or an
    fsspec URL (file:///data/raw, s3://bucket/raw where its fsspec package and credentials are
    installed) whose files are listed and read through fsspec.

    Only documents that changed since the last build are processed again (the per-document
    cache is in extracted/cache/), and a database built by the same code is updated in place,
    in one transaction: rows of removed and changed documents deleted, new ones inserted, entities,
    citations and facts redone for what they reach (--rebuild: build it anew). Files that cannot be read are reported with the reason and
    skipped; the database is still written. So is a document over its budget (--doc-timeout,
    --doc-memory-mb): it is stopped and rejected, and the build goes on. The new database is
    checked (see `check`) before it replaces the old one. Links in RAW_DIR are followed only to
    files inside it. One build at a time per database: a second waits for the first. Scanned PDF
    pages are read by OCR when Tesseract is installed (make tesseract), unless --no-ocr.

    \b
    Example:
      claims-pipeline build raw/ --db extracted/claims.db --jobs 2
    """
    from .build import storage

    try:
        nlp.ensure_model(model)  # fail early, before the progress bar, when the model is missing
    except nlp.ModelNotFound as exc:
        raise click.ClickException(str(exc))
    claim_model = _claim_model(claim_model)

    def on_skip(error):
        click.echo(f"skipped: {_one_line(str(error))}", err=True)

    files = list(storage.iter_source_files(raw_dir, on_skip=on_skip))
    if not files:
        raise click.ClickException(f"{raw_dir} holds no .txt, .md, .html, .pdf or .docx files")

    with click.progressbar(length=len(files), label="Documents", file=sys.stderr,
                           item_show_func=lambda p: _one_line(p.name) if p else "", hidden=quiet) as bar:
        def on_file(path, error):
            if error is not None:
                click.echo(f"\nrejected: {_one_line(error)}", err=True)
            bar.update(1, path)

        def on_note(text):
            click.echo(f"\nnote: {_one_line(text)}", err=True)

        try:
            result = build_stage.build(raw_dir, db, model, on_file=on_file, files=files, jobs=jobs,
                                       cache_dir=cache_dir, use_cache=not no_cache, max_file_mb=max_file_mb,
                                       on_note=on_note, claim_model=claim_model, max_pages=max_pages,
                                       max_page_chars=max_page_chars, doc_timeout=doc_timeout,
                                       doc_memory_mb=doc_memory_mb, lock_timeout=lock_timeout, ocr=not no_ocr,
                                       cluster=cluster, update=not (rebuild or no_cache))
        except (nlp.ModelNotFound, build_stage.BuildLocked, build_stage.DiskFull, build_stage.WorkerFailed) as exc:
            raise click.ClickException(_one_line(str(exc)))
        except build_stage.BuildFailed as exc:
            for line in exc.violations:
                click.echo(f"check: {line}", err=True)
            raise click.ClickException(str(exc))
    for path, first in result.duplicates:
        click.echo(f"same content: {_one_line(path)} is {_one_line(first)}; stored once, with both paths", err=True)
    if not quiet:
        click.echo(result.summary())


def _raw_dir(value: str):
    """RAW_DIR: a folder that exists, or an fsspec URL of one."""
    from .build import storage

    try:
        raw = storage.location(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc))
    try:
        is_dir = raw.is_dir()
    except Exception as exc:  # noqa: BLE001 - whatever the filesystem raises (no package for it, no credentials)
        raise click.BadParameter(f"{value} cannot be reached ({type(exc).__name__}: {exc})")
    if not is_dir:
        raise click.BadParameter(f"{value} is not a folder")
    return raw


def _cluster(address: Optional[str]) -> Optional[str]:
    """--cluster checked before any work: its form, and that Dask is installed."""
    if address is None:
        return None
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise click.BadParameter("Dask distributed is not installed: pip install 'claims-pipeline[cluster]'")
    from .build.cluster import parse_address

    try:
        parse_address(address)
    except ValueError as exc:
        raise click.BadParameter(str(exc))
    return address


def _unreadable(exc) -> click.ClickException:
    """An unreadable database (store.check.UnreadableDatabase) as one line naming the fix."""
    verb = "build it first" if exc.reason == "does not exist" else "rebuild it"
    return click.ClickException(f"{_one_line(str(exc))}; {verb}: claims-pipeline build raw/ --db {exc.path}")


@cli.command(context_settings=CONTEXT)
@db_option
@click.option("--port", "-p", type=click.IntRange(1, 65535), default=8001, show_default=True,
              help="Port to listen on, e.g. 8001.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to bind; the default serves this machine only.")
@click.option("--reviews", "reviews_db", type=click.Path(dir_okay=False, path_type=pathlib.Path), default=None,
              help="SQLite file of reviewers' verdicts (created when missing) [default: reviews.db beside --db].")
@click.option("--remote-reviews", is_flag=True,
              help="Accept verdicts from other machines too (by default only from 127.0.0.1).")
@click.option("--raw", "raw_dir", type=click.Path(file_okay=False, path_type=pathlib.Path), default="raw",
              show_default=True, help="The folder the database was built from (build's RAW_DIR): its files are "
                                      "served as the originals, each only while unchanged since the build.")
def serve(db, port, host, reviews_db, remote_reviews, raw_dir):
    """Serve the database with Datasette, the project's metadata, templates and plugins.

    Reviewers' verdicts on claims are kept in their own file (--reviews), never touched by a build.
    A rebuild of the database is served from the next request on, without a restart.
    Stops at once, with the fix, when the database is missing or not a readable SQLite file, or
    when the port is in use. Each document's original file (and a PDF's pages as pictures) is
    served from --raw, the folder the build read.

    \b
    Example:
      claims-pipeline serve --db extracted/claims.db --port 8001
    """
    from .serve import serve as serve_stage
    from .store.check import UnreadableDatabase

    try:
        if not raw_dir.is_dir():
            click.echo(f"warning: {_one_line(str(raw_dir))} is not a folder: the originals will not be served "
                       f"(give the folder the database was built from with --raw)", err=True)
        code = serve_stage.run(db, host=host, port=port, reviews_db=reviews_db, remote_reviews=remote_reviews,
                               raw_dir=raw_dir)
    except UnreadableDatabase as exc:
        raise _unreadable(exc)
    except serve_stage.PortUnavailable as exc:
        raise click.ClickException(str(exc))
    if code:
        raise SystemExit(code)


@cli.command(context_settings=CONTEXT)
@db_option
def check(db):
    """Verify a built database; list every violation and exit 1 when there is one.

    Checks that every stored span's text equals documents.text[start:end], every foreign key
    resolves, rows point at sentences of their own document, every claim lies inside its sentence,
    no two documents share a sha256 or a path, and runs records the build. `build` runs the same
    checks on the new database before it replaces the old one.

    \b
    Example:
      claims-pipeline check --db extracted/claims.db
    """
    from .store import check as check_stage

    try:
        violations = check_stage.check_database(db)
    except check_stage.UnreadableDatabase as exc:
        raise _unreadable(exc)
    for line in violations:
        click.echo(line)
    if violations:
        raise SystemExit(1)
    click.echo(f"{db}: ok")


@cli.command("train-model", context_settings=CONTEXT)
@click.option("--data", type=click.Path(exists=True, file_okay=False, path_type=pathlib.Path), default=None,
              help="Folder of training sentences (*.jsonl; default pipeline/data/train), e.g. --data my-train/.")
@click.option("--out", type=click.Path(file_okay=False, path_type=pathlib.Path), default=None,
              help="Where the classifier goes (default models/checkworthy in the checkout), e.g. --out models/cw.")
@model_option
def train_model(data, out, model):
    """Train the check-worthiness classifier that decides which sentences are claims.

    Parses the training sentences with MODEL, trains spaCy's textcat on their feature words
    (seeded: the same data give the same model), holds the latest debates out to pick the
    checkpoint and the threshold, and writes the model with metrics.json. A few minutes.

    \b
    Example:
      claims-pipeline train-model --out models/checkworthy
    """
    from .extract.claims import train

    _load_model(model)  # a clear message when the spaCy pipeline is missing
    metrics = train.train_model(data or train.DEFAULT_DATA_DIR, out or train.DEFAULT_MODEL_DIR, model)
    held = metrics["held_out"]
    click.echo(f"trained {out or train.DEFAULT_MODEL_DIR} in {metrics['seconds']:.0f} s on {metrics['n_train']} "
               f"sentences; held out {metrics['n_held_out']}: threshold={metrics['threshold']} "
               f"precision={held['precision']:.3f} recall={held['recall']:.3f} f1={held['f1']:.3f} "
               f"nfs_rate={held['nfs_rate']:.3f}")


def main():
    cli(prog_name="claims-pipeline")
