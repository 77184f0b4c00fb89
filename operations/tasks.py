"""What the django-q2 worker runs for operations; schedules are declared with the others
in xero_integration/periodic.py (by path, so that app never imports this one)."""

from . import services


def evaluate_alerts_task() -> dict[str, int]:
    # Twice is harmless: problems are keyed rows, and each notice is claimed once.
    return services.evaluate_alerts()


def deliver_webhooks_task() -> int:
    # Twice is harmless: each delivery is claimed with a conditional UPDATE before it is sent.
    return services.deliver_due_webhooks()
