"""Notifications of the periodic assessment (public schema): in-app rows, and an SMS for physicians on the
kinds in enums.SMS_KINDS.

A row is one event for one recipient. The unique key (recipient, kind, subject, phase, occasion) makes every
producer idempotent: a reminder run twice, a listener called again, a bulk move, all insert with
ON CONFLICT DO NOTHING.
- subject_id: the enrolment (a physician's notices) or the organisation (a reviewer's reminders);
- phase: the phase of a reminder (enums.Phase of assessment), blank for events;
- occasion: what makes it one event: the return's history row, the window's date, "publicize".

`title` and `body` are the zh-CN text rendered when the row was made; `template` and `params` (language
neutral: phase and level keys, names, dates) render it again at read time in the reader's language
(notifications/messages.py).
"""

from django.db import models

from core.models import BaseModel
from notifications.enums import LinkType, NotificationKind, SmsStatus


class Notification(BaseModel):
    recipient = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    subject_id = models.UUIDField()
    phase = models.CharField(max_length=24, blank=True)
    occasion = models.CharField(max_length=64, blank=True)
    template = models.CharField(max_length=48)
    params = models.JSONField(default=dict)
    title = models.CharField(max_length=200)
    body = models.TextField()
    link_type = models.CharField(max_length=32, choices=LinkType.choices, blank=True)
    link_id = models.UUIDField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    sms_status = models.CharField(max_length=16, choices=SmsStatus.choices, blank=True, default="")
    sms_attempts = models.PositiveSmallIntegerField(default=0)
    sms_error = models.CharField(max_length=255, blank=True)
    sms_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "subject_id", "phase", "occasion"], name="notification_once"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient"),
            models.Index(
                fields=["recipient", "-created_at"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.recipient_id}"
