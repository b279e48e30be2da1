"""The credential file, used where no OS keyring is: credentials.json in the config directory,
0600 in a 0700 directory, one password per (server, name) key, written atomically."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path

from app.models.privatefiles import FILE_MODE, private_dir, tighten

FILE_NAME = "credentials.json"
log = logging.getLogger(__name__)


class CredentialFile:
    """Passwords by key in a JSON object. A missing or bad file reads as empty (a bad one with a
    logged warning); a failed write raises OSError for the caller to report."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / FILE_NAME

    def get(self, key: str) -> str | None:
        return self._load().get(key)

    def set(self, key: str, password: str) -> None:
        data = self._load()
        data[key] = password
        self._save(data)

    def delete(self, key: str) -> None:
        data = self._load()
        if data.pop(key, None) is not None:
            self._save(data)

    def _load(self) -> dict[str, str]:
        try:
            tighten(self.path, FILE_MODE)
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            log.warning("Cannot read the credential file %s (%s); ignoring it", self.path, error)
            return {}
        if not isinstance(data, dict):
            log.warning("The credential file %s does not hold an object; ignoring it", self.path)
            return {}
        return {key: value for key, value in data.items()
                if isinstance(key, str) and isinstance(value, str)}

    def _save(self, data: dict[str, str]) -> None:
        private_dir(self.path.parent)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=self.path.parent,
                                         suffix=".tmp", delete=False) as handle:
            os.chmod(handle.name, FILE_MODE)
            json.dump(data, handle, indent=2, sort_keys=True)
        try:
            os.replace(handle.name, self.path)
        except OSError:
            os.unlink(handle.name)
            raise
