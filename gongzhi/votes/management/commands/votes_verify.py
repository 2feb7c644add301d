from django.core.management.base import BaseCommand, CommandError

from gongzhi.votes.models import Vote
from gongzhi.votes.services import vote_verify


class Command(BaseCommand):
    help = "Recompute a closed vote's seal from its ballots: `gongzhi votes-verify <id>` (exit 1 if it does not hold)."

    def add_arguments(self, parser):
        parser.add_argument("vote_id", type=int)

    def handle(self, *args, vote_id: int, **options):
        vote = Vote.objects.filter(pk=vote_id).first()
        if vote is None:
            raise CommandError(f"No vote {vote_id}.")
        if not vote.sealed_hash:
            raise CommandError(f"Vote {vote_id} ({vote.title}) is {vote.state}: it has no seal yet.")
        if vote_verify(vote):
            self.stdout.write(f"Vote {vote_id} ({vote.title}): the seal holds — {vote.sealed_hash}")
            return
        raise CommandError(f"Vote {vote_id} ({vote.title}): the seal DOES NOT hold — the ballots or figures changed "
                           f"after the close (sealed {vote.sealed_hash}).")
