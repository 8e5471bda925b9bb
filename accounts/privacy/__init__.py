"""A person's data: export (JSON and PDF), erasure, and the retention rules."""
