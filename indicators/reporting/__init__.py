"""Reporting: what developers must report and how it arrives.

- ingest.py      compliance uploads: validate (the report) and submit (one transaction), review
- reading.py     bytes -> encoding, dialect, header, spreadsheet line of each record
- report.py      the validation report: errors, warnings, flags, blank rows; table, CSV, JSON
- plausibility.py plausibility flags in words, and the thresholds for the methodology page
- templates.py   the pre-filled template of the rows due
- compliance.py  projects against their requirements, as each actor may see them
- cli.py         the `import`, `template` and `review` commands
The SQL lives in indicators/store (ingest_checks.py, ingest_store.py, submissions.py,
plausibility.py).
"""
