"""Who may do what: every admin page and action, and every API endpoint, for seven callers.

The callers: a superuser; staff who may view everything and change nothing; staff who may
change one model (Xero connections, and nothing else); an API key for merchant A; one for
merchant B; a revoked key; no key at all. Each table row states the expected answer for
each of them, and the test asserts the whole row at once, so a mismatch shows every
caller's answer. A model registered in the admin without a row here fails the test.
"""

import datetime
from dataclasses import dataclass

import pytest
import responses
from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone
from django_q.models import Failure, OrmQ, Schedule, Success

from operations.api import urls as operations_api_urls
from operations.models import AlertSettings, Problem, WebhookDelivery, WorkerHeartbeat
from outlets.services import create_api_client, revoke_api_client
from tests.factories import (
    MappingFactory,
    MerchantFactory,
    OutletFactory,
    XeroConnectionFactory,
    seed_reference_data,
)
from xero_integration.api import urls as api_urls
from xero_integration.models import (
    ExportDocument,
    LaterPayment,
    ReconciliationDay,
    ReferenceRecord,
    Sale,
    SyncLog,
)

SUPER, VIEWER, EDITOR = "superuser", "view-only staff", "staff changing connections"
KEY_A, KEY_B, REVOKED, NO_KEY = "key for A", "key for B", "revoked key", "no key"
CALLERS = (SUPER, VIEWER, EDITOR, KEY_A, KEY_B, REVOKED, NO_KEY)
STAFF = (SUPER, VIEWER, EDITOR)
NOT_STAFF = (KEY_A, KEY_B, REVOKED, NO_KEY)
# The one model the editor may change.
EDITOR_MODEL = "xero_integration.xeroconnection"


@dataclass
class World:
    clients: dict[str, Client]
    objects: dict[str, object]  # one instance per admin model, by label


def staff(username: str, perms) -> User:
    user = User.objects.create(username=username, is_staff=True)  # no password: force_login
    user.user_permissions.set(perms)
    return user


def api_client(key: str | None) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}") if key else Client()


@pytest.fixture
def world(db) -> World:
    merchant = MerchantFactory.create(merchant_id="M-A", name="Merchant A")
    other = MerchantFactory.create(merchant_id="M-B", name="Merchant B")
    outlet = OutletFactory.create(merchant=merchant, pos_station_id="S1")
    OutletFactory.create(merchant=other, pos_station_id="S1")
    connection = XeroConnectionFactory.create(merchant=merchant)
    seed_reference_data(connection)
    key_a = create_api_client(name="POS A", merchant_ids=["M-A"])
    key_b = create_api_client(name="POS B", merchant_ids=["M-B"]).key
    revoked = create_api_client(name="Old POS", merchant_ids=["M-A"])
    revoke_api_client(client=revoked.client)
    sale = Sale.objects.create(
        merchant=merchant,
        outlet=outlet,
        sale_id="S1-1",
        type="sale",
        occurred_at=timezone.now(),
        business_date=datetime.date.today(),
        currency="AUD",
        total="1.00",
        # As ingest stores it (sales/types.sale_to_json): the reconciliation reads it.
        payload={
            "id": "S1-1",
            "type": "sale",
            "occurred_at": timezone.now().isoformat(),
            "currency": "AUD",
            "amounts_include_tax": True,
            "lines": [],
            "tips": "0.00",
            "surcharge": "0.00",
            "rounding": "0.00",
            "payments": [{"method": "card", "amount": "1.00"}],
            "refund_of": None,
        },
        content_hash="x",
    )
    document = ExportDocument.objects.create(
        outlet=outlet,
        connection=connection,
        kind="invoice",
        grouping="per_sale",
        number="POSS1-S1-1",
        business_date=sale.business_date,
        currency="AUD",
        status="failed",
    )
    problem = Problem.objects.create(
        key=f"outlet-{outlet.pk}", kind="exports_failing", merchant=merchant, outlet=outlet
    )
    now = timezone.now()
    task = {"func": "xero_integration.tasks.purge_old_sync_logs_task", "started": now}
    viewer = staff("viewer", Permission.objects.filter(codename__startswith="view_"))
    editor = staff("editor", Permission.objects.filter(codename="change_xeroconnection"))
    superuser = User.objects.create(username="admin", is_staff=True, is_superuser=True)
    clients = {SUPER: Client(), VIEWER: Client(), EDITOR: Client()}
    for caller, user in ((SUPER, superuser), (VIEWER, viewer), (EDITOR, editor)):
        clients[caller].force_login(user)
    clients |= {
        KEY_A: api_client(key_a.key),
        KEY_B: api_client(key_b),
        REVOKED: api_client(revoked.key),
        NO_KEY: api_client(None),
    }
    objects = {
        "auth.group": Group.objects.create(name="Support"),
        "auth.user": viewer,
        "django_q.schedule": Schedule.objects.create(func=task["func"], name="purge"),
        "django_q.ormq": OrmQ.objects.create(key="xero-bridge", payload="x", lock=now),
        "django_q.success": Success.objects.create(id="s" * 32, name="ok", stopped=now, **task),
        "django_q.failure": Failure.objects.create(
            id="f" * 32, name="failed", stopped=now, success=False, **task
        ),
        "outlets.apiclient": key_a.client,
        "outlets.merchant": merchant,
        "outlets.outlet": outlet,
        "mappings.mapping": MappingFactory.create(merchant=merchant),
        "xero_integration.xeroconnection": connection,
        "xero_integration.exportdocument": document,
        "xero_integration.sale": sale,
        "xero_integration.laterpayment": LaterPayment.objects.create(
            merchant=merchant, sale=sale, payment_id="P0", method="card", amount="1.00", paid_at=now
        ),
        "xero_integration.synclog": SyncLog.objects.create(
            operation="get_accounts", merchant=merchant, method="GET", url="/", correlation_id="c"
        ),
        "xero_integration.referencerecord": ReferenceRecord.objects.filter(
            connection=connection
        ).first(),
        "xero_integration.reconciliationday": ReconciliationDay.objects.create(
            outlet=outlet, business_date=sale.business_date, status="red", checked_at=now
        ),
        "operations.alertsettings": AlertSettings.objects.create(merchant=merchant),
        "operations.problem": problem,
        "operations.webhookdelivery": WebhookDelivery.objects.create(
            merchant=merchant, problem=problem, event="problem", url="https://pos.test/", body="{}"
        ),
        "operations.workerheartbeat": WorkerHeartbeat.objects.create(
            name="host:1", host="host", pid=1
        ),
    }
    return World(clients, objects)


def answers(world: World, method: str, url: str, **kwargs) -> dict[str, int]:
    return {
        caller: getattr(world.clients[caller], method)(url, **kwargs).status_code
        for caller in CALLERS
    }


# ---- admin pages -----------------------------------------------------------------------

# What the admin allows on each model at all (a superuser's view): (a)dd and (d)elete.
# Read-only models (written by the integration) are view-only even for a superuser.
ADMIN_MODELS = {
    "auth.group": "ad",
    "auth.user": "ad",
    "django_q.schedule": "ad",
    "django_q.ormq": "d",
    "django_q.success": "d",
    "django_q.failure": "d",
    "outlets.apiclient": "ad",
    "outlets.merchant": "ad",
    "outlets.outlet": "ad",
    "mappings.mapping": "ad",
    "xero_integration.xeroconnection": "",
    "xero_integration.exportdocument": "",
    "xero_integration.sale": "",
    "xero_integration.laterpayment": "",
    "xero_integration.synclog": "",
    "xero_integration.referencerecord": "",
    "xero_integration.reconciliationday": "",
    "operations.alertsettings": "ad",
    "operations.problem": "",
    "operations.webhookdelivery": "",
    "operations.workerheartbeat": "",
}
LOGIN = 302  # the admin sends anyone without a staff session to its login page
# django-q2's pages: superusers and operations staff only, never finance staff (the viewer).
OPERATIONS_ONLY = {label for label in ADMIN_MODELS if label.startswith("django_q.")}


def expected_admin(label: str, view: str) -> dict[str, int]:
    """Superusers: what the model allows. View-only staff: look, never add or delete. The
    editor: only its one model, like a viewer there. Everyone else: the login page."""
    allowed = ADMIN_MODELS[label]
    needs = {"add": "a", "delete": "d"}.get(view)
    row = {caller: LOGIN for caller in NOT_STAFF}
    row[SUPER] = 200 if needs is None or needs in allowed else 403
    row[VIEWER] = 200 if needs is None and label not in OPERATIONS_ONLY else 403
    row[EDITOR] = row[VIEWER] if label == EDITOR_MODEL else 403
    return row


ADMIN_VIEWS = ("changelist", "add", "change", "delete", "history")


def admin_url(world: World, label: str, view: str) -> str:
    name = f"admin:{label.replace('.', '_')}_{view}"
    if view in ("changelist", "add"):
        return reverse(name)
    return reverse(name, args=[world.objects[label].pk])  # type: ignore[attr-defined]


def test_every_admin_model_has_a_row():
    registered = {model._meta.label_lower for model in admin.site._registry}

    assert registered == set(ADMIN_MODELS)


@pytest.mark.parametrize("view", ADMIN_VIEWS)
@pytest.mark.parametrize("label", sorted(ADMIN_MODELS))
def test_admin_page(world, label, view):
    assert answers(world, "get", admin_url(world, label, view)) == expected_admin(label, view)


def test_operations_staff_see_the_task_pages_finance_staff_do_not(world):
    viewer = world.objects["auth.user"]
    url = admin_url(world, "django_q.failure", "changelist")
    finance = world.clients[VIEWER].get(url).status_code
    viewer.groups.add(Group.objects.create(name="Operations"))  # settings.OPERATIONS_GROUP

    assert (finance, world.clients[VIEWER].get(url).status_code) == (403, 200)


def test_admin_index(world):
    expected = {**{caller: 200 for caller in STAFF}, **{c: LOGIN for c in NOT_STAFF}}

    assert answers(world, "get", reverse("admin:index")) == expected


def test_admin_password_change_of_another_user(world):
    url = reverse("admin:auth_user_password_change", args=[world.objects["auth.user"].pk])
    expected = {SUPER: 200, VIEWER: 403, EDITOR: 403, **{c: LOGIN for c in NOT_STAFF}}

    assert answers(world, "get", url) == expected


# ---- admin actions ---------------------------------------------------------------------

# Who may run each action: "super" (a permission only the superuser holds here), "editor"
# (change on Xero connections, which the editor holds too), or nobody.
ACTIONS = {
    ("outlets.apiclient", "revoke"): (SUPER,),
    ("xero_integration.xeroconnection", "refresh_reference_data"): (SUPER, EDITOR),
    ("xero_integration.xeroconnection", "disconnect"): (SUPER, EDITOR),
    ("xero_integration.xeroconnection", "make_default"): (SUPER, EDITOR),
    ("xero_integration.xeroconnection", "set_standard_call_budget"): (SUPER, EDITOR),
    ("xero_integration.xeroconnection", "set_starter_call_budget"): (SUPER, EDITOR),
    ("xero_integration.exportdocument", "replay"): (SUPER,),
    ("xero_integration.exportdocument", "resolve"): (SUPER,),
    ("xero_integration.exportdocument", "reexport"): (SUPER,),
    ("xero_integration.exportdocument", "accept_xero_change"): (SUPER,),
    ("xero_integration.reconciliationday", "read_back_again"): (SUPER,),
    ("xero_integration.exportdocument", "download_csv"): (SUPER, VIEWER),
    ("xero_integration.synclog", "download_csv"): (SUPER, VIEWER),
    ("operations.alertsettings", "rotate_secret"): (SUPER,),
    ("django_q.success", "resubmit_task"): (SUPER,),
    ("django_q.failure", "resubmit_task"): (SUPER,),
    **{
        (label, "delete_selected"): (SUPER,)
        for label, allowed in ADMIN_MODELS.items()
        if "d" in allowed
    },
}


def offered(world: World, caller: str, label: str) -> set[str]:
    response = world.clients[caller].get(admin_url(world, label, "changelist"))
    form = response.context["action_form"] if response.status_code == 200 else None
    return {name for name, _ in form.fields["action"].choices if name} if form else set()


def test_every_admin_action_has_a_row(world):
    for label in ADMIN_MODELS:
        declared = {action for (model, action) in ACTIONS if model == label}
        assert offered(world, SUPER, label) == declared, label


@pytest.mark.parametrize("label", sorted(ADMIN_MODELS))
def test_admin_actions_are_offered_only_to_who_may_run_them(world, label):
    for caller in STAFF:
        may = {
            action
            for (model, action), callers in ACTIONS.items()
            if model == label and caller in callers
        }
        assert offered(world, caller, label) == may, caller


def run_action(world: World, caller: str, label: str, action: str) -> str:
    """Post the action on one row as the changelist's form does; what became of it."""
    pk = world.objects[label].pk  # type: ignore[attr-defined]
    with responses.RequestsMock(assert_all_requests_are_fired=False):  # no real Xero
        response = world.clients[caller].post(
            admin_url(world, label, "changelist"),
            {"action": action, "_selected_action": [pk], "index": 0},
        )
    messages = [m.message for m in get_messages(response.wsgi_request)]
    if response.status_code == 403:
        return "forbidden"
    if response.status_code == 302 and "/admin/login/" in response["Location"]:
        return "login"
    if "No action selected." in messages:
        return "refused"  # offered to others, not to this caller
    if response.get("Content-Disposition", "").startswith("attachment"):
        return "ran"  # a download
    if response.status_code == 200 and "deletable_objects" not in (response.context or {}):
        return "refused"  # the list again: no action is offered to this caller at all
    return "ran"  # redirected back with its message, or delete_selected's confirmation page


def expected_action(label: str, action: str) -> dict[str, str]:
    """Who may, runs it; other staff who may see the list are refused; the rest never see it."""
    row = {caller: "login" for caller in NOT_STAFF}
    for caller in STAFF:
        sees = (caller != EDITOR or label == EDITOR_MODEL) and not (
            caller == VIEWER and label in OPERATIONS_ONLY
        )
        row[caller] = (
            "ran" if caller in ACTIONS[(label, action)] else "refused" if sees else "forbidden"
        )
    return row


@pytest.mark.parametrize("label,action", sorted(ACTIONS))
def test_admin_action(world, label, action):
    outcomes = {caller: run_action(world, caller, label, action) for caller in CALLERS}

    assert outcomes == expected_action(label, action)


# ---- the admin's connect button ---------------------------------------------------------


def test_admin_connect_to_xero(world):
    url = f"/xero/connect/{world.objects['outlets.merchant'].pk}"
    expected = {SUPER: 302, VIEWER: 403, EDITOR: 302, **{c: LOGIN for c in NOT_STAFF}}

    assert answers(world, "post", url) == expected


@pytest.mark.parametrize("page", ["calendar", "backfill"])
def test_reconciliation_pages_are_for_staff_who_may_view_reconciliation(world, page):
    url = reverse(f"admin:xero_integration_reconciliationday_{page}")
    expected = {SUPER: 200, VIEWER: 200, EDITOR: 403, **{c: LOGIN for c in NOT_STAFF}}

    assert answers(world, "get", url) == expected


@pytest.mark.parametrize("page", ["calendar", "backfill"])
def test_reconciliation_page_posts_need_the_change_permission(world, page):
    url = reverse(f"admin:xero_integration_reconciliationday_{page}")
    outlet = world.objects["outlets.outlet"]
    with responses.RequestsMock(assert_all_requests_are_fired=False):  # no real Xero
        codes = answers(world, "post", f"{url}?outlet={outlet.pk}", data={})
    ran = 302 if page == "calendar" else 200  # the calendar queues and redirects
    expected = {SUPER: ran, VIEWER: 403, EDITOR: 403, **{c: LOGIN for c in NOT_STAFF}}

    assert codes == expected


def test_retry_now_on_a_document_needs_the_change_permission(world):
    pk = world.objects["xero_integration.exportdocument"].pk
    url = reverse("admin:xero_integration_exportdocument_retry", args=[pk])
    # The editor may not even see export documents: the admin refuses it like the page.
    expected = {SUPER: 302, VIEWER: 403, EDITOR: 403, **{c: LOGIN for c in NOT_STAFF}}

    assert answers(world, "post", url) == expected


# The merchant's setup page and mapping editor: (method, URL name, expected per staff caller).
# Seeing them needs the view permission (merchant; mappings for the editor); each button
# the permission its view checks; the editor, who may view neither, gets 403 throughout.
SETUP_PAGES = [
    ("get", "outlets_merchant_setup", {SUPER: 200, VIEWER: 200, EDITOR: 403}),
    ("get", "outlets_merchant_mappings", {SUPER: 200, VIEWER: 200, EDITOR: 403}),
    ("post", "outlets_merchant_mappings", {SUPER: 302, VIEWER: 403, EDITOR: 403}),
    ("post", "outlets_merchant_setup_refresh", {SUPER: 302, VIEWER: 403, EDITOR: 403}),
    ("post", "outlets_merchant_setup_export", {SUPER: 302, VIEWER: 403, EDITOR: 403}),
]


@pytest.mark.parametrize("method,name,staff_answers", SETUP_PAGES)
def test_setup_pages(world, method, name, staff_answers):
    merchant = world.objects["outlets.merchant"]
    url = reverse(f"admin:{name}", args=[merchant.pk])
    expected = {**staff_answers, **{c: LOGIN for c in NOT_STAFF}}

    with responses.RequestsMock(assert_all_requests_are_fired=False):  # no real Xero
        assert answers(world, method, url) == expected


def test_operations_dashboard_is_for_staff(world):
    expected = {**{caller: 200 for caller in STAFF}, **{c: LOGIN for c in NOT_STAFF}}

    assert answers(world, "get", reverse("operations-dashboard")) == expected


def test_dashboard_replay_button_needs_the_change_permission(world):
    url = reverse("operations-replay", args=[world.objects["xero_integration.exportdocument"].pk])
    expected = {SUPER: 302, VIEWER: 403, EDITOR: 403, **{c: LOGIN for c in NOT_STAFF}}

    assert answers(world, "post", url) == expected


@pytest.mark.parametrize("url", ["/", "/api/health", "/healthz"])
def test_service_pages_are_public(world, url):
    assert answers(world, "get", url) == {caller: 200 for caller in CALLERS}


def test_metrics_answer_only_with_their_token(world, settings):
    settings.METRICS_TOKEN = "metrics-token-123"
    expected = {caller: 401 for caller in CALLERS}
    with_token = Client(HTTP_AUTHORIZATION="Bearer metrics-token-123").get("/metrics")

    assert answers(world, "get", "/metrics") == expected
    assert with_token.status_code == 200


def test_xero_callback_is_public_and_needs_its_state(world):
    # The single-use state is the credential, whoever's browser brings it.
    assert answers(world, "get", "/xero/callback") == {caller: 400 for caller in CALLERS}


# ---- the API -------------------------------------------------------------------------------

A = {"merchant_id": "M-A"}
A_S1 = {"merchant_id": "M-A", "pos_station_id": "S1"}
TODAY = datetime.date.today().isoformat()
SALE = {
    "id": "S1-2",
    "pos_station_id": "S1",
    "type": "sale",
    "occurred_at": "",  # filled in: an hour ago
    "currency": "AUD",
    "lines": [{"category": "coffee", "quantity": "1", "unit_price": "4.50", "tax_code": "GST10"}],
    "payments": [{"method": "card", "amount": "4.50"}],
}
# method, URL, data, what key A gets (its own merchant). Key B gets 404 for all of them
# (merchant A is outside its scope, answered like an unknown one); a revoked key and no
# key get 401; staff sessions get 401 too: the API knows only API keys.
ENDPOINTS = [
    ("get", "/api/merchants/M-A", None, 200),
    ("get", "/api/xero/connect", A, 200),
    ("get", "/api/xero/status", A_S1, 200),
    ("get", "/api/xero/mappings/revenue", A, 200),
    (
        "put",
        "/api/xero/mappings/revenue",
        {**A, "mappings": [{"category": "*", "account_code": "200"}]},
        200,
    ),
    ("get", "/api/xero/reference-data/accounts", A, 200),
    ("post", "/api/xero/reference-data/refresh", A, 202),
    ("post", "/api/xero/sales", {**A, "sales": [SALE]}, 200),
    # World's sale S1-1 was not sold on account: key A is told so, naming the field.
    (
        "post",
        "/api/xero/sales/S1-1/payments",
        {**A, "payment_id": "P1", "method": "card", "amount": "1.00"},
        400,
    ),
    ("get", "/api/xero/sales/S1-1", A, 200),
    ("post", "/api/xero/sync", A, 202),
    ("get", "/api/xero/logs", A, 200),
    ("get", "/api/xero/export-settings", A_S1, 200),
    ("put", "/api/xero/export-settings", {**A_S1, "enabled": False}, 200),
    ("post", "/api/xero/disconnect", A, 200),
    ("get", "/api/xero/reconciliation", {**A_S1, "from": TODAY, "to": TODAY}, 200),
    # The world's connection has no reference data a backfill could check: 409 with why.
    ("post", "/api/xero/backfill", {**A_S1, "from": TODAY, "to": TODAY}, 409),
    # The world's document was never sent, so there is nothing to decide: 404.
    (
        "post",
        "/api/xero/reconciliation/decision",
        {**A_S1, "number": "POSS1-S1-1", "decision": "accept"},
        404,
    ),
    ("get", "/api/alerts/settings", A, 200),
    ("put", "/api/alerts/settings", {**A, "finance_emails": ["accounts@a.test"]}, 200),
]


def call(world: World, caller: str, method: str, url: str, data) -> int:
    client = world.clients[caller]
    with responses.RequestsMock(assert_all_requests_are_fired=False):  # no real Xero
        if method == "get":
            return client.get(url, data).status_code
        return getattr(client, method)(url, data, content_type="application/json").status_code


def test_every_api_endpoint_has_a_row():
    patterns = api_urls.urlpatterns + operations_api_urls.urlpatterns
    routes = {"api/" + str(pattern.pattern) for pattern in patterns}

    assert {resolve(url).route for _, url, _, _ in ENDPOINTS} == routes


@pytest.mark.parametrize(
    "method,url,data,own", ENDPOINTS, ids=[f"{m} {u}" for m, u, _, _ in ENDPOINTS]
)
def test_api_endpoint(world, method, url, data, own):
    if data and "sales" in data:
        occurred = (timezone.now() - datetime.timedelta(hours=1)).isoformat()
        data = {**data, "sales": [{**SALE, "occurred_at": occurred}]}
    expected = {**{caller: 401 for caller in CALLERS}, KEY_A: own, KEY_B: 404}

    assert {caller: call(world, caller, method, url, data) for caller in CALLERS} == expected


@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/"])
def test_api_schema_and_docs_are_public_but_refuse_a_revoked_key(world, url):
    expected = {**{caller: 200 for caller in CALLERS}, REVOKED: 401}

    assert answers(world, "get", url) == expected
