"""kefu — 客服中心运营管理系统."""

from kefu.celery import app as celery_app

__all__ = ["celery_app"]
