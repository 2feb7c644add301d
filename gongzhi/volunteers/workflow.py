"""The volunteers app's declared workflows, each kept beside its concern and gathered here, where the
platform's checks look for them (every transition names a declared gate action)."""

from .workflow_activities import ACTIVITY_WORKFLOW, SIGNUP_WORKFLOW
from .workflow_store import ORDER_WORKFLOW

__all__ = ["ACTIVITY_WORKFLOW", "ORDER_WORKFLOW", "SIGNUP_WORKFLOW"]
