"""Every write of the deliberation programme, split by concern: `paths` (the district's declared
paths), `topics` (raising, proposing, co-signing), `steps` (the path engine), and the modules that
carry resolutions out, supervise them and hold hearings."""
