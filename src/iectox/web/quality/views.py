"""The study page (Capability.RUN_STUDIES) and the management dashboard (Capability.VIEW_REGISTRY: every role
that reads the registry reads how it is managed; the dashboard names patients only by their codes and links to
records the user may open anyway).

Study: choose the seed study or upload a study file -> the run (synchronous, kept per spec, registry state and
centres: `runs`) -> its page, figures and downloads (the report's own files). Dashboard: the audit of the
user's centres, kept per registry state (`dashboard`), its figures, and one page per rule listing its findings.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from iectox.errors import SpecError
from iectox.i18n import N_, tr
from iectox.io.settings_file import MAX_SETTINGS_BYTES
from iectox.management.registry import MANAGEMENT
from iectox.web.accounts.access import requires
from iectox.web.accounts.roles import Capability
from iectox.web.quality import specs
from iectox.web.quality.dashboard import DASHBOARDS
from iectox.web.quality.runs import StudyRun, study_run
from iectox.web.quality.state import centres_of

DOWNLOADS = ("html", "xlsx", "docx")  # the report's formats offered for download
FINDINGS_PER_PAGE = 100
GONE = N_("This study is no longer in your session: choose it again.")


def _study_form(request: HttpRequest, errors: dict[str, str], status: int = 200) -> HttpResponse:
    chosen = request.POST.get("study", specs.SEED)
    context = {"area": "study", "errors": errors, "chosen": chosen, "limit": MAX_SETTINGS_BYTES // 1024**2}
    return render(request, "quality/study.html", context, status=status)


@requires(Capability.RUN_STUDIES)
def study(request: HttpRequest) -> HttpResponse:
    """GET: the choice of a study. POST: read it (the library checks every key), run it on the user's
    patients, then show it (its own URL, so that reloading the page does not send the file again)."""
    if request.method != "POST":
        return _study_form(request, {})
    lang = request.lang
    choice = request.POST.get("study")
    upload = request.FILES.get("file")
    file = None
    if choice == specs.SEED:
        key, spec = specs.SEED, specs.seed_study()
    elif choice == "file" and upload is None:
        return _study_form(request, {"file": tr("Choose a study file (TOML) to upload.", lang)}, 400)
    elif choice == "file":
        try:
            spec, file = specs.read_upload(upload.name, upload.read(MAX_SETTINGS_BYTES + 1))
        except SpecError as exc:
            return _study_form(request, {"file": exc.text(lang)}, 400)
        key = file.key
    else:
        return _study_form(request, {"study": tr("Choose the seed study or a study file.", lang)}, 400)
    try:
        study_run(key, spec, centres_of(request.user))
    except SpecError as exc:  # a cohort or level the registry's patients do not have
        return _study_form(request, {"file" if file else "study": exc.text(lang)}, 400)
    if file is not None:
        specs.remember(request.session, file)
    return redirect("quality:study-result", spec=key)


class Gone(Exception):
    """The study's file is not in the user's session (another session, or one that has ended)."""


def _run(request: HttpRequest, spec: str) -> StudyRun:
    named = specs.spec_named(request.session, spec)
    if named is None:
        raise Gone(spec)
    return study_run(spec, named, centres_of(request.user))


def _study_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A view of one study: a study no longer known (404) or that the registry no longer fits (a cohort or
    level gone: the library's `SpecError`) shows the choice of a study with the reason."""

    @wraps(view)
    def shown(request: HttpRequest, spec: str, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, _run(request, spec), spec, **kwargs)
        except Gone:
            return _study_form(request, {"study": tr(GONE, request.lang)}, 404)
        except SpecError as exc:
            return _study_form(request, {"study": exc.text(request.lang)}, 400)

    return shown


@requires(Capability.RUN_STUDIES)
@require_GET
@_study_view
def study_result(request: HttpRequest, run: StudyRun, spec: str) -> HttpResponse:
    """The study's tables, figures, management section, methods and checks, as its report shows them."""
    page = run.page(request.lang)
    downloads = [(f, reverse(f"quality:study-{f}", kwargs={"spec": spec})) for f in DOWNLOADS]
    context = {"area": "study", "page": page, "spec": spec, "downloads": downloads}
    return render(request, "quality/study_result.html", context)


@requires(Capability.RUN_STUDIES)
@require_GET
@_study_view
def study_figure(request: HttpRequest, run: StudyRun, spec: str, figure: str) -> HttpResponse:
    """One of the report's figures (PNG), as the render layer drew it."""
    found = run.figures(request.lang).get(figure)
    if found is None:
        raise Http404(figure)
    return FileResponse(found.open("rb"), content_type="image/png")


@requires(Capability.RUN_STUDIES)
@require_GET
@_study_view
def study_download(request: HttpRequest, run: StudyRun, spec: str, format: str) -> HttpResponse:
    """The report's file in the user's language, as an attachment named `report.<suffix>` (no identifier)."""
    path = run.report(request.lang)[format]
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)


@requires(Capability.VIEW_REGISTRY)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Delay KPIs by cohort and quarter, deviations by rule with their patients, open episodes."""
    found, current = DASHBOARDS.get(centres_of(request.user))
    figures = [(name, caption) for name, (caption, _) in found.figures(request.lang).items()]
    context = {
        "area": "dashboard",
        "page": found.page(request.lang),
        "figures": figures,
        "dashboard": found,
        "current": current,
    }
    return render(request, "quality/dashboard.html", context)


@requires(Capability.VIEW_REGISTRY)
@require_GET
def dashboard_figure(request: HttpRequest, figure: str) -> HttpResponse:
    found, _ = DASHBOARDS.get(centres_of(request.user))
    drawn = found.figures(request.lang).get(figure)
    if drawn is None:
        raise Http404(figure)
    return HttpResponse(drawn[1], content_type="image/png")


@requires(Capability.VIEW_REGISTRY)
@require_GET
def rule_findings(request: HttpRequest, rule: str) -> HttpResponse:
    """Every finding of one rule on the user's patients, most serious first, each linked to its patient."""
    if rule not in MANAGEMENT:
        raise Http404(rule)
    found, current = DASHBOARDS.get(centres_of(request.user))
    table = found.findings(rule, request.lang)
    pages = Paginator(table.fillna("").to_dict("records"), FINDINGS_PER_PAGE)
    shown = pages.get_page(request.GET.get("page"))
    context = {
        "area": "dashboard",
        "rule": rule,
        "label": found.audit.label(rule, request.lang),
        "source": found.audit.source(rule, request.lang),
        "findings": shown,
        "current": current,
        "dashboard": found,
    }
    return render(request, "quality/rule.html", context)
