"""PKCE (RFC 7636) on the authorisation flow: a code is of no use without our verifier."""

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import responses
from django.db import connection as db

from xero_integration.connection import oauth
from xero_integration.models import OAuthState

from .test_oauth_callback import CALLBACK, CODE, mock_xero


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def test_authorize_url_carries_the_s256_challenge_of_the_states_verifier(merchant):
    query = query_of(oauth.start_authorisation(merchant=merchant))

    verifier = OAuthState.objects.get().code_verifier
    assert 43 <= len(verifier) <= 128
    assert query["code_challenge_method"] == "S256"
    assert query["code_challenge"] == s256(verifier)


def test_each_authorisation_gets_its_own_verifier(merchant):
    oauth.start_authorisation(merchant=merchant)
    oauth.start_authorisation(merchant=merchant)

    assert len(set(OAuthState.objects.values_list("code_verifier", flat=True))) == 2


def test_code_verifier_is_encrypted_in_the_database(merchant):
    oauth.start_authorisation(merchant=merchant)
    verifier = OAuthState.objects.get().code_verifier

    with db.cursor() as cursor:
        cursor.execute("SELECT code_verifier FROM xero_integration_oauthstate")
        (raw,) = cursor.fetchone()
    assert verifier.encode() not in bytes(raw)


def test_callback_exchanges_the_code_with_the_verifier(client, merchant):
    state = query_of(oauth.start_authorisation(merchant=merchant))["state"]
    verifier = OAuthState.objects.get().code_verifier

    with responses.RequestsMock() as rsps:
        token, _ = mock_xero(rsps)
        client.get(CALLBACK, {"code": CODE, "state": state})

    assert parse_qs(token.calls[0].request.body)["code_verifier"] == [verifier]
