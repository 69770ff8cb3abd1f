"""Operations: the health check for the load balancer and the service manager."""

from django.urls import path

from . import ops

urlpatterns = [
    path("health/", ops.health, name="health"),
]
