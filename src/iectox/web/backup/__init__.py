"""Backups of the application's database (`iectox backup`, `iectox restore`), without Django: SQLite by its
online backup API, PostgreSQL by pg_dump and pg_restore, each snapshot with a manifest and its SHA-256."""

from iectox.web.backup.manifest import Manifest, manifest_path
from iectox.web.backup.snapshot import Restored, backup, restore

__all__ = ["Manifest", "Restored", "backup", "manifest_path", "restore"]
