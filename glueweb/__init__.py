"""glueweb: a self-hosted take on AWS Glue."""

from glueweb.celery import app as celery_app

__all__ = ["celery_app"]
