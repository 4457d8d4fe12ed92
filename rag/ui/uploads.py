"""Where the web app's uploads live. Gradio saves each upload as ``<upload folder>/<hash>/<name>``
in GRADIO_TEMP_DIR, by default the shared system temp folder (``/tmp/gradio``), from which any other
local Gradio app can serve it; ``keep_gradio_files_in`` points it at ``data_dir/tmp`` instead.
``stage`` checks each upload and copies the good ones to ``data_dir/uploads`` (the copy that is
ingested and kept); ``drop_temp_copies`` then deletes Gradio's copies. No ingesting here.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from gradio.utils import get_upload_folder

from rag.ingest.loaders import SUPPORTED
from rag.settings import Settings
from rag.ui.input import safe_name


def keep_gradio_files_in(settings: Settings) -> Path:
    """Set GRADIO_TEMP_DIR to ``data_dir/tmp`` (made private to this user). Gradio reads it when Blocks
    and the server are made and when a request checks a file, so this is process-wide: call it before
    building the Blocks; the last app built in a process decides."""
    folder = (settings.data_dir / "tmp").resolve()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.environ["GRADIO_TEMP_DIR"] = str(folder)
    return folder


def stage(sources: Sequence[Path], upload_dir: Path, max_upload_mb: float) -> tuple[list[Path], list[tuple[str, str]]]:
    """Copy each supported, non-empty upload under the size limit to ``upload_dir/<safe name>``;
    returns (copies, [(name, why refused)]). Names are basenames only, never a path."""
    upload_dir.mkdir(parents=True, exist_ok=True)
    staged: list[Path] = []
    failures: list[tuple[str, str]] = []
    for src in sources:
        name = safe_name(src.name)
        suffix = Path(name).suffix.lower()
        try:
            size = src.stat().st_size
        except OSError:
            failures.append((name, "the upload could not be read; try again"))
            continue
        if suffix not in SUPPORTED:
            failures.append((name, f"unsupported file type {suffix or '(none)'}; use {', '.join(SUPPORTED)}"))
        elif size > max_upload_mb * 1e6:
            failures.append((name, f"{size / 1e6:.1f} MB is over the {max_upload_mb:g} MB limit"))
        elif size == 0:
            failures.append((name, "the file is empty"))
        else:
            dest = upload_dir / name
            shutil.copyfile(src, dest)
            staged.append(dest)
    return staged, failures


def drop_temp_copies(paths: Sequence[Path]) -> None:
    """Delete the paths that are Gradio's temporary copies (inside its upload folder) and the folders
    they emptied; any other path (a caller's own file) is left alone."""
    temp = Path(os.path.abspath(get_upload_folder()))
    for path in (Path(os.path.abspath(p)) for p in paths):
        if path.parent != temp and path.is_relative_to(temp):
            path.unlink(missing_ok=True)
            with contextlib.suppress(OSError):  # not empty: another upload of the same content
                path.parent.rmdir()
