"""Every write of the open books, split by concern: items (compose, schedule, publish, correct),
files, money (statements and the service fund), the committee, questions."""
