"""Benchmark data: a district-sized generator (`gongzhi gen-bench`) and helpers for `benchmarks/`.

A plain package (no models): it writes the tables of the areas, accounts, residents and cases apps in
exactly the formats their services write, with COPY on PostgreSQL."""
