"""Celery tasks of treatment: they take no personal data and call a service."""

from celery import shared_task
from django.utils import timezone

from treatment.follow_up.services import follow_ups_send_due


@shared_task
def send_due_follow_ups() -> int:
    return follow_ups_send_due(today=timezone.localdate())
