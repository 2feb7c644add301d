"""Every write of the vote engine: `votes` (set up, open, close, cancel, the count and the seal) and
`ballots` (casting online, entering ballots, counts and proxies in a meeting)."""

from .ballots import ballot_cast, ballot_change, ballot_record, counts_enter, proxy_record, voter_token
from .votes import (
    OptionSpec,
    close_due_votes,
    electorate_size,
    vote_cancel,
    vote_close,
    vote_create,
    vote_open,
    vote_seal,
    vote_verify,
)

__all__ = [
    "OptionSpec", "ballot_cast", "ballot_change", "ballot_record", "close_due_votes", "counts_enter", "electorate_size",
    "proxy_record", "vote_cancel", "vote_close", "vote_create", "vote_open", "vote_seal", "vote_verify", "voter_token",
]
