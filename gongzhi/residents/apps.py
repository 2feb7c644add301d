from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongzhi.core.components import Component, Export
from gongzhi.core.navigation import NavItem


class ResidentsConfig(AppConfig):
    """The residents' registry. It sits below the case pipeline and imports nothing from it; the
    pipeline plugs in through the extension points residents offers:

    - "residents.household.cases": `(user, household) -> list[Case]`, the requests located at the
      household that the user may see, newest first, at most 20 (the household page's panel);
    - "residents.visit.case_categories": `() -> list`, the matters a request can be raised under
      from a visit (the household page's form);
    - "residents.visit.raise_case": `(*, actor, visit, category_id: int, title: str) -> Case`, files
      the request and links it to the visit (`services.visit_link_case`) in one transaction; a
      DomainError's message is shown on the page. Without a provider the raise page answers 404;
    - "residents.household.panels": `(*, user, household) -> dict | None`, a panel of an app above
      on the household page (care …): {"title", "template", "context"}, None when nothing to show.
    """

    name = "gongzhi.residents"
    label = "residents"
    verbose_name = _("Residents")
    component = Component(
        api="gongzhi.residents.api:router",
        urls="gongzhi.residents.urls",
        navigation=(
            NavItem(_("Residents"), "residents:roster", permission="residents.view", order=40),
            # A resident links their account to their registration (then proposes, co-signs, votes).
            NavItem(_("My registration"), "residents:verify-self", permission="residents.verify_self", order=45),
        ),
        demo_order=40,
        # Every audit action the residents services record (names are history: never renamed).
        audit_actions=(
            "residents.person.create",
            "residents.person.bulk_create",
            "residents.person.update",
            "residents.person.move_in",
            "residents.person.move_out",
            "residents.person.transfer",
            "residents.person.death",
            "residents.person.party_link",
            "residents.person.account_link",
            "residents.person.self_verify",
            "residents.person.self_verify_failed",
            "residents.person.reveal",
            "residents.person.export",
            "residents.tag.add",
            "residents.tag.end",
            "residents.household.save",
            "residents.visit.create",
            "residents.visit.photo_add",
            "residents.visit.link_case",
            "residents.import",
            "residents.import.reject",
            "residents.import.queue",
        ),
        exports=(Export("residents.person.export", "residents:export", _("People (.xlsx, masked unless revealed)")),),
        extensions={
            # What the assessment scores grid workers by (rules as data over these events).
            "assessment.score_events": "gongzhi.residents.scoring:score_events",
            "assessment.score_kinds": "gongzhi.residents.scoring:score_kinds",
        },
        matrix="gongzhi.residents.tests.matrix:objects",
    )

    def ready(self) -> None:
        # Mask ID numbers and phones in every log line (request lines carry search terms).
        from gongzhi.core.pii import install_log_redaction

        install_log_redaction()
