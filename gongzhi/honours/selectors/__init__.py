"""Reads of honours: selections and their page, award rounds and their page, the public honour
roll, and the dashboard's figures."""
