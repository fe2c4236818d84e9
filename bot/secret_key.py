"""Where the encryption key for platform ids comes from.

`PIIRI_SECRET_KEY` always wins. A service with a real platform transport refuses to start
without it. Only the embedded defaults (no platform credentials) may fall back to a local key
file, created once with mode 0600.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from storage.crypto import IdentityCipher, SecretKeyError, generate_key

ENV_SECRET_KEY = "PIIRI_SECRET_KEY"  # noqa: S105 - the variable's name, not a secret
KEY_FILE_NAME = "secret.key"


class MissingSecretKeyError(RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class LoadedKey:
    cipher: IdentityCipher
    source: str
    created_file: Path | None = None


def load_secret_key(
    environ: Mapping[str, str], *, data_dir: Path, allow_local_file: bool
) -> LoadedKey:
    text = environ.get(ENV_SECRET_KEY, "").strip()
    if text:
        try:
            return LoadedKey(IdentityCipher.from_text(text), source="environment")
        except SecretKeyError as exc:
            raise MissingSecretKeyError(
                f"{ENV_SECRET_KEY} is set but not usable: {exc}. "
                "Make a new one with `piiri secret generate`."
            ) from None
    if not allow_local_file:
        raise MissingSecretKeyError(
            f"{ENV_SECRET_KEY} is not set. Piiri encrypts platform ids with it and will not "
            "start a Telegram or Matrix transport without one. Make one with "
            f"`piiri secret generate` and export it as {ENV_SECRET_KEY} (keep it safe: "
            "without it the stored ids cannot be read)."
        )
    return _local_key_file(data_dir / KEY_FILE_NAME)


def _local_key_file(path: Path) -> LoadedKey:
    if path.exists():
        try:
            return LoadedKey(IdentityCipher.from_text(path.read_text()), source=str(path))
        except SecretKeyError as exc:
            raise MissingSecretKeyError(f"{path}: {exc}") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    key = generate_key()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return LoadedKey(IdentityCipher.from_text(key), source=str(path), created_file=path)
