"""The periodic retention job (`gongzhi worker` enqueues it every PRIVACY_RUN_EVERY_HOURS)."""

from django_tasks import task

from gongzhi.core.actors import SystemActor
from gongzhi.core.context import action_context

from . import services

ACTOR = SystemActor(label="task:privacy-retention")


@task(queue_name="default")
def retention() -> dict[str, int]:
    """Anonymise what is past retention (`gongzhi privacy anonymise` runs it by hand)."""
    with action_context(source="task:privacy-retention"):
        return services.run_retention(actor=ACTOR)
