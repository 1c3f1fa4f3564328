from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "mcp_payments.monitoring"
    label = "monitoring"
    verbose_name = "Monitoring"

    def ready(self) -> None:
        from celery.signals import worker_ready, worker_shutdown
        from django.db.models.signals import post_migrate

        from mcp_payments.events.representations import register_representation

        from .beat import on_post_migrate
        from .models import SystemAlert
        from .representations import SystemAlertSerializer
        from .workers import on_worker_ready, on_worker_shutdown

        register_representation(SystemAlert, SystemAlertSerializer)
        # Infrastructure, not domain behaviour: a Celery worker records its presence in Redis.
        worker_ready.connect(on_worker_ready, weak=False, dispatch_uid="monitoring.presence")
        worker_shutdown.connect(on_worker_shutdown, weak=False, dispatch_uid="monitoring.absence")
        # The beat schedule defined in settings lands in django-celery-beat's tables at migrate.
        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="monitoring.beat_sync")
