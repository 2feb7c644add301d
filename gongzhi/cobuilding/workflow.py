"""The co-building app's declared workflows, each kept beside its concern and gathered here, where
the platform's checks look for them (every transition names a declared gate action)."""

from .workflow_members import MEMBER_REPORT_WORKFLOW, QUARTER_REPORT_WORKFLOW
from .workflow_needs import NEED_WORKFLOW
from .workflow_projects import PROBLEM_WORKFLOW, PROJECT_WORKFLOW

__all__ = ["MEMBER_REPORT_WORKFLOW", "NEED_WORKFLOW", "PROBLEM_WORKFLOW", "PROJECT_WORKFLOW", "QUARTER_REPORT_WORKFLOW"]
