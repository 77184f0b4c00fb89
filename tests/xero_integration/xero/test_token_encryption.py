from django.db import connection

from tests.factories import XeroConnectionFactory
from xero_integration.models import XeroConnection


def test_tokens_are_not_stored_in_clear(merchant):
    XeroConnectionFactory.create(
        merchant=merchant, access_token="secret-access-abc", refresh_token="secret-refresh-xyz"
    )

    with connection.cursor() as cursor:
        cursor.execute("SELECT access_token, refresh_token FROM xero_integration_xeroconnection")
        raw = cursor.fetchone()

    assert b"secret-access-abc" not in bytes(raw[0])
    assert b"secret-refresh-xyz" not in bytes(raw[1])


def test_tokens_decrypt_on_read(merchant):
    XeroConnectionFactory.create(merchant=merchant, access_token="secret-access-abc")

    assert XeroConnection.objects.get().access_token == "secret-access-abc"
