"""The import and export pages (`/transfer/`): no URL parameter, nothing but the session names a pending import."""

from __future__ import annotations

from django.urls import path

from iectox.web.transfer import export_views, import_views

app_name = "transfer"
urlpatterns = [
    path("", export_views.index, name="index"),
    path("export/", export_views.export, name="export"),
    path("deidentified/", export_views.deidentified, name="deidentified"),
    path("log/", export_views.log, name="log"),
    path("import/", import_views.upload, name="import"),
    path("import/preview/", import_views.preview, name="preview"),
    path("import/commit/", import_views.commit_view, name="commit"),
    path("import/discard/", import_views.discard_view, name="discard"),
]
