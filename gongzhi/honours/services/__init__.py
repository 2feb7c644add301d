"""Every write of honours: `selections` (public selections and their vote) and `awards` (rounds,
criteria, the panel, nominations, score sheets, the result)."""
