"""On MariaDB and MySQL only: the ids a POS sends compare byte for byte.

Their default collations ignore case, so sale 'A' and sale 'a' would be one sale (and
the second refused as a duplicate), as would station 'S1' and 's1', or two document
numbers. PostgreSQL and SQLite compare these columns exactly already. Only these columns
change: names and searches keep the database's case-insensitive collation, so the
admin's and the API's searches still ignore case.
"""

from django.db import migrations

# (app, model, field): ids from the POS and what is made from them.
CASE_SENSITIVE = [
    ("outlets", "Merchant", "merchant_id"),
    ("outlets", "Outlet", "pos_station_id"),
    ("outlets", "ExportSettings", "number_prefix"),
    ("mappings", "Mapping", "pos_value"),
    ("xero_integration", "Sale", "sale_id"),
    ("xero_integration", "SaleKey", "key"),
    ("xero_integration", "ExportDocument", "number"),
    ("xero_integration", "ExportDocument", "customer_id"),
    ("xero_integration", "LaterPayment", "payment_id"),
]


def binary_collation(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "mysql":
        return
    for app, model_name, field_name in CASE_SENSITIVE:
        model = apps.get_model(app, model_name)
        field = model._meta.get_field(field_name)
        null = "NULL" if field.null else "NOT NULL"
        schema_editor.execute(
            f"ALTER TABLE {schema_editor.quote_name(model._meta.db_table)} "
            f"MODIFY {schema_editor.quote_name(field.column)} {field.db_type(connection)} "
            f"CHARACTER SET utf8mb4 COLLATE utf8mb4_bin {null}"
        )


class Migration(migrations.Migration):
    # MySQL cannot roll DDL back; Django refuses DDL inside a transaction there.
    atomic = False

    dependencies = [
        ("outlets", "0005_sync_requested_at"),
        ("mappings", "0003_mapping_constraint_messages"),
        ("xero_integration", "0012_books_rules"),
    ]

    operations = [migrations.RunPython(binary_collation, migrations.RunPython.noop)]
