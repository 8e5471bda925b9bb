"""The report pages under /berichte/: the report with its form, and the same report as CSV, XLSX and PDF.

Lab managers see their labs, administrators every lab and the district; anybody else is refused (403), a
visitor who is not logged in is sent to the login. A bad period or an unknown lab shows the form with its
message; a download with bad parameters does the same (400) instead of a file.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.exceptions import NotAllowed

from . import exports, services
from .charts import reach_shading
from .params import ReportForm

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _form(request) -> ReportForm:
    if not services.report_may_see(user=request.user):
        raise PermissionDenied
    labs = services.report_labs_for(user=request.user)
    all_label = services.report_scope_title(user=request.user, params=None)
    return ReportForm(request.GET, labs=labs, all_label=all_label)


def _report(request, form: ReportForm):
    try:
        return services.report_for(user=request.user, params=form.params())
    except NotAllowed as exc:
        raise PermissionDenied(str(exc.message)) from exc


def _render(request, form: ReportForm, *, published=None, status: int = 200):
    context = {"form": form, "query": request.GET.urlencode()}
    if published is not None:
        context |= exports.report_context(published)
        context["map_shading"] = reach_shading(published)
        context["municipality_rows"] = [
            (row.label, row.figures.people) for row in published.breakdown("municipality").rows
        ]
    return render(request, "reports/report.html", context, status=status)


@login_required
@require_GET
@never_cache
def report_view(request):
    form = _form(request)
    if not form.is_valid():
        return _render(request, form)
    _raw, published = _report(request, form)
    return _render(request, form, published=published)


@login_required
@require_GET
@never_cache
def report_download_view(request, file_format: str):
    form = _form(request)
    if not form.is_valid():
        return _render(request, form, status=400)
    report, published = _report(request, form)
    build = {"csv": exports.report_csv, "xlsx": exports.report_xlsx, "pdf": exports.report_pdf}[file_format]
    content = build(published)
    services.report_export_record(
        user=request.user,
        report=published,
        lab_id=report.lab.pk if report.lab is not None else None,
        file_format=file_format,
    )
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(published, file_format)}"'
    return response
