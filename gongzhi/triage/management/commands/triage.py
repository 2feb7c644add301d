"""`gongzhi triage …`: train, evaluate and manage the triage classifier.

- `train [--csv FILE] [--no-cases] [--no-activate]`: train a new version on the deployment's closed
  cases plus an optional labelled CSV, store it with its cross-validated figures, activate it;
- `eval --train FILE --test FILE`: train on one CSV and score another (the stored models are not
  touched); prints one JSON object;
- `cv FILE [--folds 5]`: stratified k-fold cross-validation of one CSV; prints one JSON object;
- `list`: the stored versions with their figures; `activate VERSION`: make a version the active one.

CSV files are UTF-8 with a header `title,text,label` (the title may be empty; other columns such as
`id` are ignored)."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from gongzhi.core.commands import AuditedCommand
from gongzhi.core.errors import DomainError

REQUIRED_COLUMNS = ("title", "text", "label")


def read_csv(path: str) -> tuple[list[str], list[str], list[str]]:
    """(titles, texts, labels) of a labelled CSV; a `CommandError` naming the problem otherwise."""
    file = Path(path)
    if not file.is_file():
        raise CommandError(_("No such file: %(path)s") % {"path": path})
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    try:
        with file.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = [c.strip().lower() for c in (reader.fieldnames or [])]
            if not columns:
                raise CommandError(_("%(path)s is empty: expected a header with the columns title, text, label.") % {"path": path})
            missing = [c for c in REQUIRED_COLUMNS if c not in columns]
            if missing:
                raise CommandError(
                    _("%(path)s has no column %(columns)s (expected the columns title, text, label).")
                    % {"path": path, "columns": ", ".join(f"“{c}”" for c in missing)}
                )
            reader.fieldnames = columns
            titles, texts, labels = [], [], []
            for row in reader:
                line = reader.line_num
                text = (row.get("text") or "").strip()
                label = (row.get("label") or "").strip()
                if not text:
                    raise CommandError(_("%(path)s, line %(line)s: the column “text” is empty.") % {"path": path, "line": line})
                if not label:
                    raise CommandError(_("%(path)s, line %(line)s: the column “label” is empty.") % {"path": path, "line": line})
                titles.append((row.get("title") or "").strip())
                texts.append(text)
                labels.append(label)
    except UnicodeDecodeError as exc:
        raise CommandError(_("%(path)s is not UTF-8 text.") % {"path": path}) from exc
    except csv.Error as exc:
        raise CommandError(_("%(path)s is not a valid CSV file: %(error)s") % {"path": path, "error": exc}) from exc
    if not texts:
        raise CommandError(_("%(path)s has no data rows.") % {"path": path})
    return titles, texts, labels


class Command(AuditedCommand):
    help = _("Triage classifier: train (and activate) a model, evaluate on CSV files, list and activate versions.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        train = sub.add_parser("train", help=_("Train a new model from closed cases plus an optional CSV, and activate it."))
        train.add_argument("--csv", dest="csv_file", help=_("Labelled CSV (title,text,label) added to the cases."))
        train.add_argument("--no-cases", action="store_true", help=_("Train on the CSV only."))
        train.add_argument("--no-activate", action="store_true", help=_("Store the model without activating it."))
        train.add_argument("--folds", type=int, default=5, help=_("Cross-validation folds for the figures."))
        evaluate = sub.add_parser("eval", help=_("Train on one CSV and score another; prints JSON."))
        evaluate.add_argument("--train", dest="train_file", required=True)
        evaluate.add_argument("--test", dest="test_file", required=True)
        cv = sub.add_parser("cv", help=_("Stratified k-fold cross-validation of a CSV; prints JSON."))
        cv.add_argument("file")
        cv.add_argument("--folds", type=int, default=5)
        sub.add_parser("list", help=_("List the stored model versions."))
        activate = sub.add_parser("activate", help=_("Make a stored version the active model."))
        activate.add_argument("version", type=int)

    def handle(self, *args, subcommand: str, **options):
        try:
            getattr(self, f"do_{subcommand}")(**options)
        except DomainError as exc:
            raise CommandError(exc.message + "".join(f"\n  {k}: {'; '.join(v)}" for k, v in exc.fields.items())) from exc

    def emit(self, data: dict) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))

    # -- subcommands --------------------------------------------------------------------------

    def do_train(self, *, csv_file=None, no_cases=False, no_activate=False, folds=5, **_options):
        from gongzhi.triage.services import training_rows_from_cases, triage_model_train

        titles, texts, labels = [], [], []
        sources = {}
        if not no_cases:
            rows = training_rows_from_cases()
            titles += [r.title for r in rows]
            texts += [r.text for r in rows]
            labels += [r.label for r in rows]
            sources["cases"] = len(rows)
        if csv_file:
            t, x, y = read_csv(csv_file)
            titles += t
            texts += x
            labels += y
            sources["csv"] = Path(csv_file).name
            sources["csv_rows"] = len(x)
        if not texts:
            raise CommandError(_("No training rows: there are no closed cases yet; give a labelled CSV with --csv."))
        if folds < 0 or folds == 1:
            raise CommandError(_("--folds must be 0 (no evaluation) or at least 2."))
        model = triage_model_train(
            actor=self.actor, titles=titles, texts=texts, labels=labels, folds=folds,
            activate=not no_activate, sources=sources,
        )
        figures = model.evaluation
        self.stdout.write(
            self.style.SUCCESS(
                _("Model v%(version)s trained on %(rows)s rows (%(labels)s labels)%(active)s.")
                % {
                    "version": model.version,
                    "rows": model.n_train,
                    "labels": len(model.labels),
                    "active": _(" and activated") if not no_activate else "",
                }
            )
        )
        if "macro_f1" in figures:
            self.stdout.write(
                _("Cross-validated: macro-F1 %(f1)s, accuracy %(acc)s.") % {"f1": figures["macro_f1"], "acc": figures["accuracy"]}
            )

    def do_eval(self, *, train_file, test_file, **_options):
        from gongzhi.triage.classifier import evaluate_split

        self.emit(evaluate_split(read_csv(train_file), read_csv(test_file)))

    def do_cv(self, *, file, folds=5, **_options):
        from gongzhi.triage.classifier import cross_validate

        if folds < 2:
            raise CommandError(_("--folds must be at least 2."))
        titles, texts, labels = read_csv(file)
        counts = {label: labels.count(label) for label in set(labels)}
        if len(counts) < 2:
            raise CommandError(_("%(path)s: the column “label” needs at least two different labels.") % {"path": file})
        if max(counts.values()) < folds:
            raise CommandError(_("Too few rows for %(folds)s folds.") % {"folds": folds})
        self.emit(cross_validate(titles, texts, labels, folds=folds))

    def do_list(self, **_options):
        from gongzhi.triage.models import TriageModel

        for model in TriageModel.objects.defer("blob").order_by("-version"):
            self.stdout.write(
                f"{'*' if model.is_active else ' '} v{model.version}  {model.created_at:%Y-%m-%d %H:%M}  "
                f"{model.created_by}  n={model.n_train}  macro-F1={model.macro_f1}  accuracy={model.accuracy}"
            )

    def do_activate(self, *, version, **_options):
        from gongzhi.triage.models import TriageModel
        from gongzhi.triage.services import triage_model_activate

        model = TriageModel.objects.defer("blob").filter(version=version).first()
        if model is None:
            raise CommandError(_("No model version %(version)s.") % {"version": version})
        triage_model_activate(actor=self.actor, model=model)
        self.stdout.write(self.style.SUCCESS(_("Model v%(version)s is active.") % {"version": version}))
