"""Pulling a project's records from a REDCap server through its API, with PyCap.

The token is a password to the project: it is read from an environment variable (`TOKEN_VARIABLE` unless the
caller names another), never from the command line, where it would stay in the shell's history and be seen by
every user of the machine in the process list; it is never printed. Two API calls are made: the project's
metadata (its data dictionary, checked against the contract as a dictionary file is) and its records (flat
CSV, raw values and raw headers). Both are then read by the same code as an exported file.

No REDCap server runs in the tests: `tests/test_redcap_api.py` answers PyCap's requests with REDCap's
documented response formats recorded as files (`tests/data/redcap/`).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import requests
from redcap import Project, RedcapError

from iectox.dataset import Dataset
from iectox.errors import SourceError
from iectox.i18n import N_
from iectox.io.redcap.dictionary import read_dictionary
from iectox.io.redcap.importer import import_redcap
from iectox.validate import Settings

TOKEN_VARIABLE = "IECTOX_REDCAP_TOKEN"
TIMEOUT_SECONDS = 300  # a large project's records take a while; a server that never answers must not hang us
METADATA_FILE = "redcap_metadata.csv"
RECORDS_FILE = "redcap_records.csv"


def token_from(variable: str = TOKEN_VARIABLE) -> str:
    """The API token held by the environment variable `variable`."""
    token = os.environ.get(variable, "").strip()
    if not token:
        raise SourceError(
            variable,
            N_("the environment variable holding the REDCap API token is not set (export {variable}=...)"),
            variable=variable,
        )
    return token


def check_url(url: str) -> str:
    """`url` if the token may be sent there: HTTPS, or plain HTTP to this machine only (a token sent in clear
    over a network can be read by anyone on the way)."""
    parts = urlsplit(url)
    local = parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1", "::1")
    if parts.scheme != "https" and not local:
        raise SourceError(
            url,
            N_("is not an HTTPS address: the API token would travel in clear; give the https:// address"),
        )
    return url


def pull(url: str, token: str) -> tuple[str, str]:
    """The project's metadata and records, as REDCap's API returns them in CSV."""
    check_url(url)
    try:
        project = Project(url, token, timeout=TIMEOUT_SECONDS)
        metadata = project.export_metadata(format_type="csv")
        records = project.export_records(format_type="csv", raw_or_label="raw", raw_or_label_headers="raw")
    except (RedcapError, requests.RequestException, ValueError, AssertionError) as error:
        raise SourceError(
            url, N_("the REDCap server did not give the project: {reason}"), reason=_said(error)
        ) from None
    return str(metadata), str(records)


def _said(error: Exception) -> str:
    """What went wrong, without the token (PyCap's own messages never hold it; a URL might)."""
    text = str(error).strip() or type(error).__name__
    return text[:200]


def import_from_server(
    url: str, token: str, dictionary: str | Path | None = None, settings: Settings | None = None
) -> Dataset:
    """The dataset held by the REDCap project at `url`, validated as an export file is. The project's own
    metadata is its dictionary unless `dictionary` (a file) is given."""
    metadata, records = pull(url, token)
    with tempfile.TemporaryDirectory(prefix="iectox-redcap-") as folder:
        records_path = Path(folder) / RECORDS_FILE
        records_path.write_text(records, encoding="utf-8")
        if dictionary is None:
            metadata_path = Path(folder) / METADATA_FILE
            metadata_path.write_text(metadata, encoding="utf-8")
            project = read_dictionary(metadata_path, shown_as=f"{url} (metadata)")
        else:
            project = read_dictionary(dictionary)
        return import_redcap(records_path, project, settings)
