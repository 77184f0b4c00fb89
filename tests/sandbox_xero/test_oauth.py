import time

import pytest
import requests

from sandbox_xero import running_sandbox

from .conftest import REDIRECT_URI, TIMEOUT, Api, authorise, connect, data, token_call


def refresh(base_url, refresh_token):
    return token_call(base_url, grant_type="refresh_token", refresh_token=refresh_token)


def test_authorise_redirects_back_with_code_and_state(sandbox):
    params = authorise(sandbox)
    assert params["state"] == "xyz"
    assert params["code"]


def test_authorise_with_unknown_client_is_400_page(sandbox):
    reply = requests.get(
        sandbox + "/identity/connect/authorize",
        allow_redirects=False,
        params={
            "response_type": "code",
            "client_id": "nope",
            "redirect_uri": REDIRECT_URI,
            "state": "s",
        },
        timeout=TIMEOUT,
    )
    assert reply.status_code == 400
    assert "text/html" in reply.headers["Content-Type"]


def test_consent_page_deny_redirects_with_access_denied(sandbox):
    page = requests.get(
        sandbox + "/identity/connect/authorize",
        allow_redirects=False,
        timeout=TIMEOUT,
        params={
            "response_type": "code",
            "client_id": "sandbox-client-id",
            "redirect_uri": REDIRECT_URI,
            "state": "s1",
            "consent": "1",
        },
    )
    assert page.status_code == 200 and "Allow access" in page.text
    params = authorise(sandbox, decision="deny", state="s1")
    assert params == {"error": "access_denied", "state": "s1"}


def test_code_exchange_returns_bearer_tokens(sandbox):
    code = authorise(sandbox)["code"]
    body = token_call(
        sandbox, grant_type="authorization_code", code=code, redirect_uri=REDIRECT_URI
    ).json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 1800
    assert body["access_token"] and body["refresh_token"] and body["id_token"]


def test_code_is_single_use(sandbox):
    code = authorise(sandbox)["code"]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI}
    assert token_call(sandbox, **form).status_code == 200
    second = token_call(sandbox, **form)
    assert second.status_code == 400 and second.json()["error"] == "invalid_grant"


def test_code_exchange_needs_the_same_redirect_uri(sandbox):
    code = authorise(sandbox)["code"]
    reply = token_call(
        sandbox, grant_type="authorization_code", code=code, redirect_uri="http://elsewhere/cb"
    )
    assert reply.json()["error"] == "invalid_grant"


def test_bad_client_secret_is_invalid_client(sandbox):
    code = authorise(sandbox)["code"]
    reply = token_call(
        sandbox,
        auth=("sandbox-client-id", "wrong"),
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT_URI,
    )
    assert reply.status_code == 401 and reply.json()["error"] == "invalid_client"


def test_refresh_token_rotates_and_old_one_works_within_grace(sandbox):
    first = connect(sandbox)
    rotated = refresh(sandbox, first["refresh_token"]).json()
    retried = refresh(sandbox, first["refresh_token"]).json()
    assert rotated["refresh_token"] != first["refresh_token"]
    assert retried == rotated


def test_refresh_without_scope_keeps_the_grants_scopes(sandbox):
    first = connect(sandbox)
    rotated = refresh(sandbox, first["refresh_token"]).json()
    assert rotated["scope"] == "openid offline_access accounting.transactions"


def test_refresh_with_the_same_scopes_in_another_order_is_accepted(sandbox):
    first = connect(sandbox)
    reply = token_call(
        sandbox,
        grant_type="refresh_token",
        refresh_token=first["refresh_token"],
        scope="accounting.transactions openid offline_access",
    )
    assert reply.status_code == 200


def test_refresh_with_a_different_scope_is_invalid_grant(sandbox):
    first = connect(sandbox)
    reply = token_call(
        sandbox,
        grant_type="refresh_token",
        refresh_token=first["refresh_token"],
        scope="openid offline_access accounting.transactions accounting.settings",
    )
    assert reply.status_code == 400 and reply.json() == {"error": "invalid_grant"}
    assert refresh(sandbox, first["refresh_token"]).status_code == 200


def test_used_refresh_token_after_grace_is_invalid_grant():
    with running_sandbox(refresh_grace_seconds=0) as base_url:
        first = connect(base_url)
        assert refresh(base_url, first["refresh_token"]).status_code == 200
        time.sleep(0.05)
        late = refresh(base_url, first["refresh_token"])
    assert late.status_code == 400 and late.json() == {"error": "invalid_grant"}


def test_revoked_refresh_token_is_invalid_grant_and_connection_removed(sandbox):
    tokens = connect(sandbox)
    revoked = requests.post(
        sandbox + "/identity/connect/revocation",
        timeout=TIMEOUT,
        data={"token": tokens["refresh_token"]},
        auth=("sandbox-client-id", "sandbox-client-secret"),
    )
    assert revoked.status_code == 200
    assert refresh(sandbox, tokens["refresh_token"]).json()["error"] == "invalid_grant"
    assert Api(sandbox, tokens).control("GET", "state")["connections"] == []


def test_token_refresh_calls_are_counted(sandbox):
    tokens = connect(sandbox)
    refresh(sandbox, tokens["refresh_token"])
    refresh(sandbox, tokens["refresh_token"])
    stats = Api(sandbox, tokens).control("GET", "state")["stats"]
    assert stats["token_refresh_count"] == 2


@pytest.mark.parametrize("path", ["/Connections", "/connections"])
def test_connections_list_and_delete_under_either_spelling(sandbox, path):
    tokens = connect(sandbox)
    auth = {"Authorization": "Bearer " + tokens["access_token"]}
    listed = requests.get(sandbox + path, headers=auth, timeout=TIMEOUT)
    connection = listed.json()[0]
    assert connection["tenantType"] == "ORGANISATION" and connection["authEventId"]
    assert "X-AppMinLimit-Remaining" in listed.headers
    url = f"{sandbox}{path}/{connection['id']}"
    assert requests.delete(url, headers=auth, timeout=TIMEOUT).status_code == 204
    assert requests.delete(url, headers=auth, timeout=TIMEOUT).status_code == 404


def test_orgs_per_authorisation_gives_several_connections(sandbox):
    Api(sandbox, {}).control("POST", "config", {"orgs_per_authorisation": 2})
    tokens = connect(sandbox)
    auth = {"Authorization": "Bearer " + tokens["access_token"]}
    names = [
        c["tenantName"]
        for c in requests.get(sandbox + "/Connections", headers=auth, timeout=TIMEOUT).json()
    ]
    assert names == ["Demo Company (AU)", "Demo Company 2 (AU)"]


def test_reauthorising_reuses_the_same_tenant(sandbox):
    assert connect(sandbox)["tenant_id"] == connect(sandbox)["tenant_id"]


def test_expired_access_token_is_401_token_expired(api):
    api.control("POST", "expire-access-tokens")
    reply = api.get("Accounts")
    assert reply.status_code == 401
    assert data(reply)["Detail"].startswith("TokenExpired: token expired at")


def test_wrong_tenant_is_403_authentication_unsuccessful(api):
    api.tokens = {**api.tokens, "tenant_id": "00000000-0000-0000-0000-000000000000"}
    reply = api.get("Accounts")
    assert reply.status_code == 403 and data(reply)["Detail"] == "AuthenticationUnsuccessful"


def test_sandbox_revoke_makes_refresh_fail(api):
    api.control("POST", "revoke", {})
    assert refresh(api.base_url, api.tokens["refresh_token"]).json()["error"] == "invalid_grant"


def test_the_consent_choice_of_organisation_authorises_that_one_alone(sandbox):
    first = connect(sandbox)["tenant_id"]
    code = authorise(sandbox, organisation="2")["code"]
    tokens = token_call(
        sandbox, grant_type="authorization_code", code=code, redirect_uri=REDIRECT_URI
    ).json()
    granted = requests.get(
        sandbox + "/Connections",
        headers={"Authorization": "Bearer " + tokens["access_token"]},
        timeout=10,
    ).json()
    assert first and [c["tenantName"] for c in granted] == ["Demo Company 2 (AU)"]
