"""Celery entry points of the notifications (public schema)."""

from notifications import services
from tenants.celery import public_task


@public_task()
def notification_sms_send(notification_ids: list[str], attempt: int = 1) -> dict:
    """Send the SMS of these notifications; those that failed are queued again after a growing delay, and
    marked failed after SMS_MAX_ATTEMPTS attempts (each attempt is recorded on the row)."""
    sent, failed = 0, []
    for pk in notification_ids:
        outcome = services.sms_deliver(notification_id=pk)
        if outcome is True:
            sent += 1
        elif outcome is False:
            failed.append(pk)
    if failed:
        if attempt < services.SMS_MAX_ATTEMPTS:
            notification_sms_send.apply_async(
                args=[failed, attempt + 1], countdown=services.SMS_RETRY_SECONDS * 2 ** (attempt - 1)
            )
        else:
            services.sms_give_up(notification_ids=failed)
    return {"sent": sent, "failed": len(failed), "attempt": attempt}


@public_task()
def notification_reminders_task() -> dict:
    """Twice a day: phase start and deadline reminders of the active cycle (idempotent)."""
    return services.reminders_run()
