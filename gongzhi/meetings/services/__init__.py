"""Every write of the meetings app, split by concern:

- `bodies` — bodies, their members and cadences, the theme day's fixed contents
- `meetings` — creating a meeting and inviting its people (the base the others build on)
- `schedule` — the planner (one meeting per body, kind and period), moving, cancelling, missed periods
- `sessions` — notice, agenda, sign-in codes, attendance, quorum, opening and closing
- `minutes` — versioned minutes, approval, attachments
- `decisions` — decisions, owners, progress, done/overdue, and what they do on a case

Import the module you need (`from gongzhi.meetings.services import bodies`)."""
