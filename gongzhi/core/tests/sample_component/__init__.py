"""The smallest component: what a new programme's folder holds, with no models (so no migrations).
`gongzhi/core/tests/test_components.py` installs it and shows it mounted, navigable,
permission-checked and demo-loaded; docs/CONVENTIONS.md walks through it."""
