"""Pulling records from a REDCap server with PyCap, without a server: PyCap's HTTP requests are answered by a
transport adapter with REDCap's documented API response formats (the metadata export's CSV with the API's
column names, the flat records CSV, and REDCap's error text), so that PyCap's own client code runs for real."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import parse_qs

import pandas as pd
import pytest
import redcap.request
import requests
from requests.adapters import BaseAdapter
from typer.testing import CliRunner

from iectox.cli.main import app
from iectox.errors import DatasetInvalid, SourceError
from iectox.io import read_dataset
from iectox.io.redcap import dictionary_frame, record_rows
from iectox.io.redcap.api import TOKEN_VARIABLE, import_from_server, token_from
from iectox.io.redcap.fields import API_HEADER
from test_redcap import _same, _small

URL = "https://redcap.example.org/api/"
TOKEN = "0123456789ABCDEF0123456789ABCDEF"  # REDCap tokens are 32 hexadecimal characters
DATA = Path(__file__).parent / "data" / "redcap"


class FakeRedcap(BaseAdapter):
    """Answers REDCap API calls (POST, form-encoded) as a REDCap server does."""

    def __init__(self, metadata: str, records: str):
        super().__init__()
        self.metadata, self.records = metadata, records
        self.calls: list[dict[str, str]] = []

    def send(self, request, **kwargs):
        body = request.body.decode() if isinstance(request.body, bytes) else request.body
        form = {key: values[0] for key, values in parse_qs(body).items()}
        self.calls.append({**form, "url": request.url})
        response = requests.Response()
        response.request, response.url, response.encoding = request, request.url, "utf-8"
        if form.get("token") != TOKEN:
            response.status_code = 403
            response._content = (DATA / "error_permission.txt").read_bytes()
            return response
        response.status_code = 200
        if (
            form["content"] == "metadata" and form.get("format") == "json"
        ):  # PyCap reads it to find the record id
            metadata = pd.read_csv(io.StringIO(self.metadata), dtype=str, keep_default_na=False)
            response._content = metadata.to_json(orient="records").encode()
        else:
            response._content = {"metadata": self.metadata, "record": self.records}[form["content"]].encode()
        return response

    def close(self):
        pass


def _metadata() -> str:
    frame = dictionary_frame("en")
    frame.columns = list(API_HEADER)
    return frame.to_csv(index=False)


@pytest.fixture
def server():
    def start(records: pd.DataFrame | None = None, metadata: str | None = None) -> FakeRedcap:
        rows = record_rows(_small()) if records is None else records
        adapter = FakeRedcap(metadata or _metadata(), rows.to_csv(index=False))
        redcap.request._session.mount(URL, adapter)
        return adapter

    yield start
    redcap.request._session.adapters.pop(URL, None)


def test_pull_gives_the_dataset_and_sends_the_token_only_in_the_body(server):
    fake = server()
    _same(_small(), import_from_server(URL, TOKEN))
    assert [(c["content"], c["format"]) for c in fake.calls if c["format"] == "csv"] == [
        ("metadata", "csv"),
        ("record", "csv"),
    ]
    assert all(TOKEN not in c["url"] for c in fake.calls)
    assert fake.calls[-1]["rawOrLabel"] == "raw"


def test_server_metadata_that_does_not_match(server):
    frame = dictionary_frame("en")
    frame.columns = list(API_HEADER)
    server(metadata=frame[frame["field_name"] != "sedated"].to_csv(index=False))
    with pytest.raises(SourceError) as caught:
        import_from_server(URL, TOKEN)
    assert caught.value.text("en") == (
        f"{URL} (metadata): does not describe the iectox project: field sedated is missing"
    )


def test_a_refused_token_is_a_clear_error_that_does_not_show_the_token(server):
    server()
    wrong = "F" * 32
    with pytest.raises(SourceError) as caught:
        import_from_server(URL, wrong)
    assert "You do not have permissions to use the API" in caught.value.text("en")
    assert wrong not in caught.value.text("en")


def test_problems_in_pulled_records_name_the_record(server):
    rows = record_rows(_small())
    rows.loc[rows["redcap_repeat_instrument"] == "outcome", "status"] = "lost"
    server(records=rows)
    with pytest.raises(DatasetInvalid) as caught:
        import_from_server(URL, TOKEN)
    assert {issue.rule for issue in caught.value.issues} == {"redcap_choice"}
    assert caught.value.issues[0].file == "redcap_records.csv"


def test_token_comes_from_the_environment_only(monkeypatch, server, tmp_path: Path):
    monkeypatch.delenv(TOKEN_VARIABLE, raising=False)
    with pytest.raises(SourceError, match=f"export {TOKEN_VARIABLE}="):
        token_from()
    server()
    runner = CliRunner()
    out = tmp_path / "pulled"
    done = runner.invoke(app, ["import-redcap", "--url", URL, "--out", str(out)])
    assert done.exit_code == 2 and not out.exists()
    monkeypatch.setenv(TOKEN_VARIABLE, TOKEN)
    done = runner.invoke(app, ["import-redcap", "--url", URL, "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert TOKEN not in done.output
    _same(_small(), read_dataset(out))
    done = runner.invoke(app, ["import-redcap", "--url", URL, "--token", TOKEN, "--out", str(out)])
    assert done.exit_code == 2  # there is no option to give the token itself


@pytest.mark.parametrize(
    "url", ["http://redcap.example.org/api/", "ftp://redcap.example.org/api/", "redcap/api/"]
)
def test_the_token_is_never_sent_in_clear(server, url):
    fake = server()
    with pytest.raises(SourceError, match="is not an HTTPS address"):
        import_from_server(url, TOKEN)
    assert fake.calls == []
