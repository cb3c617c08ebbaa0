"""Trained models shared by every data dir on the machine, one folder per training input.

Models trained on the shipped data (the intent classifier, review sentiment) do not
depend on the store's catalog, so a second data dir must not spend minutes training
the same weights again. They live in `SHOPBOT_MODEL_CACHE` (default
`$XDG_CACHE_HOME/shopbot`, i.e. `~/.cache/shopbot`) as `<kind>/<key>/`, the key being
the training data's hash and the training recipe's (plus the base model when
`SHOPBOT_MODEL_PATH` names one).
Changed training data means a new key, so a stale model is never picked up.

Several processes may train the same model at once (`shopbot setup` next to a starting
server): each writes a folder of its own and renames it into place, so a reader never
sees half a model and the last writer's equivalent copy wins.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from bot.config import Settings
from bot.nlu.finetune import hash_lines


def cache_key(data_hash: str, settings: Settings, recipe: str = "") -> str:
    """The cache folder name for a model trained on data with this hash, by this training
    recipe (the default hyper-parameters, as text), from the configured base model.

    The recipe is part of the key so that a release training differently (more epochs, a
    new seed) never picks up a model the previous recipe made from the same data.
    """
    key = data_hash if not recipe else f"{data_hash}-{hash_lines([recipe])[:8]}"
    if settings.model_path is None:
        return key  # the packaged base model, the same in every install of this version
    return f"{key}-{hash_lines([str(settings.model_path.expanduser().resolve())])[:8]}"


def cached_model_dir(settings: Settings, kind: str, data_hash: str, recipe: str = "") -> Path:
    """Where the shared cache keeps the `kind` model ("intent", "sentiment") for this training data and recipe."""
    return settings.model_cache_dir / kind / cache_key(data_hash, settings, recipe)


def publish(save: Callable[[Path], None], target: Path) -> None:
    """Write a model with `save(folder)` into a private folder beside `target`, then move it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}")
    retired = staging.with_name(staging.name + ".old")
    try:
        save(staging)
        # What is there (stale, unreadable, or replaced by an explicit retrain) goes aside first.
        with suppress(FileNotFoundError):
            target.rename(retired)
        try:
            staging.rename(target)
        except OSError:
            if not target.is_dir():
                raise
            # Another process moved its copy in between: same data, same base, so keep that one.
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(retired, ignore_errors=True)
