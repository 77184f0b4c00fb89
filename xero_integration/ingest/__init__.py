"""Sales ingest: validating POS sales (validation.py, pure) and storing them (services.py)."""
