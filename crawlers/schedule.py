"""Cron schedules: checked on save, and kept as django-celery-beat PeriodicTasks the scheduler runs."""

from __future__ import annotations

import json

from celery.schedules import crontab
from django.core.exceptions import ValidationError

from crawlers.models import Crawler

TASK = "crawlers.run_scheduled"


def task_name(crawler: Crawler) -> str:
    return f"crawler:{crawler.pk}"


def check_cron(value: object, field: str = "schedule") -> str:
    """Five fields: minute hour day-of-month month day-of-week (UTC); "" for no schedule."""
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise ValidationError({field: "must be a cron expression (minute hour day month weekday) or empty"})
    parts = value.split()
    if len(parts) != 5:
        raise ValidationError({field: f'"{value}" needs 5 fields: minute hour day-of-month month day-of-week'})
    minute, hour, day, month, weekday = parts
    try:
        crontab(minute=minute, hour=hour, day_of_month=day, month_of_year=month, day_of_week=weekday)
    except (ValueError, TypeError) as exc:
        raise ValidationError({field: f'"{value}" is not a valid cron expression: {exc}'}) from None
    return " ".join(parts)


def sync(crawler: Crawler) -> None:
    """Create, change or remove the crawler's periodic task to match its schedule."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    name = task_name(crawler)
    if not crawler.schedule:
        PeriodicTask.objects.filter(name=name).delete()
        return
    minute, hour, day, month, weekday = crawler.schedule.split()
    cron, _ = CrontabSchedule.objects.get_or_create(
        minute=minute, hour=hour, day_of_month=day, month_of_year=month, day_of_week=weekday, timezone="UTC"
    )
    PeriodicTask.objects.update_or_create(
        name=name,
        defaults={"task": TASK, "crontab": cron, "interval": None, "args": json.dumps([crawler.pk]), "enabled": True},
    )


def remove(crawler: Crawler) -> None:
    from django_celery_beat.models import PeriodicTask

    PeriodicTask.objects.filter(name=task_name(crawler)).delete()
