"""The study and quality pages: `/quality/study/` (choose and run a study), `/quality/study/SPEC/` (its page),
its figures and downloads; `/quality/dashboard/` and one page per rule. SPEC is `seed` or the checksum of an
uploaded study file: no identifier is ever in these URLs."""

from __future__ import annotations

from django.urls import path, register_converter

from iectox.web.quality import views


class Key:
    """A study's key (`seed`, a checksum) or a figure's name: lower-case letters, digits and '_'."""

    regex = "[a-z0-9_]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class RuleId(Key):
    """A management rule's id (`crs.tocilizumab`)."""

    regex = "[a-z0-9_.]{1,64}"


register_converter(Key, "key_")
register_converter(RuleId, "rule_id")

app_name = "quality"
urlpatterns = [
    path("study/", views.study, name="study"),
    path("study/<key_:spec>/", views.study_result, name="study-result"),
    path("study/<key_:spec>/figures/<key_:figure>.png", views.study_figure, name="study-figure"),
    *(
        path(f"study/<key_:spec>/report.{fmt}", views.study_download, {"format": fmt}, name=f"study-{fmt}")
        for fmt in views.DOWNLOADS
    ),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/figures/<key_:figure>.png", views.dashboard_figure, name="dashboard-figure"),
    path("dashboard/rules/<rule_id:rule>/", views.rule_findings, name="rule"),
]
