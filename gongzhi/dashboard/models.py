"""The monthly report of a street or community: made by the worker on the first working day of the
month for the month before (or on demand), kept as .xlsx and PDF, listed and downloaded in scope."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.visibility import ScopedQuerySet


class ReportQuerySet(ScopedQuerySet):
    pass


def report_path(report: "MonthlyReport", filename: str) -> str:
    return f"dashboard/reports/{report.month:%Y-%m}/{report.node.code}/{filename}"


class MonthlyReport(models.Model):
    area_scope_field = "node"

    node = models.ForeignKey("areas.AreaNode", verbose_name=_("area"), on_delete=models.PROTECT,
                             related_name="monthly_reports")
    month = models.DateField(_("month"), help_text=_("The first day of the month the report covers."))
    xlsx = models.FileField(_("spreadsheet"), upload_to=report_path, max_length=200, blank=True)
    pdf = models.FileField(_("PDF"), upload_to=report_path, max_length=200, blank=True)
    made_at = models.DateTimeField(_("made"), auto_now=True)
    made_by = models.CharField(_("made by"), max_length=100, blank=True)
    # The figures as they were when the report was made: what the files show.
    figures = models.JSONField(_("figures"), default=dict, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-month", "node__path"]
        constraints = [models.UniqueConstraint(fields=["node", "month"], name="dashboard_report_node_month")]

    def __str__(self) -> str:
        return f"{self.node.name} {self.month:%Y-%m}"
