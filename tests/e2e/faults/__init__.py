"""The fault suite: thousands of sales through gunicorn, several killed-and-restarted
django-q2 workers and a misbehaving sandbox Xero, ending in a cent-by-cent comparison
of Xero's books with the POS. Run by tests/e2e/test_fault_suite.py at the CI size, or
larger by hand: `python -m tests.e2e.faults --sales 20000` (see size.py for the flags)."""
