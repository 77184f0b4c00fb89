"""Turning stored sales into Xero documents and sending them, exactly once.

- `money`: Decimal quantisation as Xero does it.
- `sales`: the parsed, validated shape of a POS sale.
- `builders`: pure functions, sales and effective mappings in, Xero JSON out.
"""
