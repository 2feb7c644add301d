"""How triage's audit events read in a history (`gongzhi.core.history` reads this). A model's labels,
parameters and per-matter evaluation are codes and numbers for the engineers (`gongzhi triage eval`
shows them); the history keeps the sentence, the version and the scores."""

from django.utils.translation import gettext_lazy as _

DESCRIBE = {
    "triage.model.create": _("trained a triage model"),
    "triage.model.activate": _("put a triage model to work"),
}

FIELDS = {
    "active_version": (_("version in use"), None),
    "macro_f1": (_("macro F1"), None),
}

HIDDEN = {"labels", "evaluation", "params", "sources", "blob_sha256", "blob_size", "algorithm"}
