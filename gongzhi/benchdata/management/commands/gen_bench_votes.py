"""`gongzhi gen-bench-votes`: the community of the online-vote benchmark (see gongzhi/benchdata/votes.py)."""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Into an empty (migrated) database: one community of 3,030 households, each with a linked adult resident."

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=3030)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, households, seed, **options):
        from gongzhi.benchdata.votes import generate_votes_community

        try:
            generate_votes_community(households=households, seed=seed,
                                     out=lambda line: (self.stdout.write(line), self.stdout.flush()))
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
