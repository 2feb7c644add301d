"""Fixtures of the accounts tests (see signin.py for the helpers other apps may use too)."""

from gongzhi.accounts.tests.signin import axes_on, two_factor_on  # noqa: F401
