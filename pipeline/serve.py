"""Stage 5, serve: Datasette over the claims database with the project's metadata and templates."""
from __future__ import annotations

import os
import pathlib
import sys

DATASETTE_DIR = pathlib.Path(__file__).parent / "datasette"
METADATA = DATASETTE_DIR / "metadata.yml"


def datasette_args(db: pathlib.Path, host: str = "127.0.0.1", port: int = 8001) -> list[str]:
    """The datasette command line: read-only (immutable) database, loopback by default."""
    args = [sys.executable, "-m", "datasette", "serve", "-i", str(db), "--host", host, "--port", str(port),
            "--metadata", str(METADATA), "--setting", "default_page_size", "50"]
    if (DATASETTE_DIR / "templates").is_dir():
        args += ["--template-dir", str(DATASETTE_DIR / "templates")]
    if (DATASETTE_DIR / "plugins").is_dir() and any((DATASETTE_DIR / "plugins").glob("*.py")):
        args += ["--plugins-dir", str(DATASETTE_DIR / "plugins")]
    return args


def run(db: pathlib.Path, host: str = "127.0.0.1", port: int = 8001) -> None:
    args = datasette_args(db, host, port)
    os.execv(args[0], args)
