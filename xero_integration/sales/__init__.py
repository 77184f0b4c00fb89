"""Sales in: the sale value type (types.py), money as Xero rounds it (money.py), validating
POS sales (validation.py, pure) and storing them (services.py). Never imports exports."""
