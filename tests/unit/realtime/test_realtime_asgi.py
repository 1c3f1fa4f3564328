"""The project's ASGI application: /ws/* to the realtime consumers, HTTP still to Django."""

import pytest
from channels.testing import HttpCommunicator

from mcp_payments.asgi import application
from tests.fixtures.realtime import (
    broadcast,
    event_dict,
    open_socket,
    receive_events,
    refused_with,
    run,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_websockets_are_served_by_the_project_application(merchant, api_key_for):
    key = api_key_for(merchant, "payments:read")
    event = event_dict("refund.created", merchant.pk)

    async def scenario():
        socket = await open_socket(f"/ws/payments?token={key}", application=application)
        await broadcast(event)
        received = await receive_events(socket, 1)
        await socket.disconnect()
        return received

    assert run(scenario) == [event]
    assert run(refused_with("/ws/payments", application=application)) == 4401
    assert run(refused_with("/mcp", application=application)) == 4404


def test_http_still_reaches_django():
    async def scenario():
        request = HttpCommunicator(
            application, "GET", "/health/live", headers=[(b"host", b"127.0.0.1")]
        )
        return await request.get_response(timeout=10)

    response = run(scenario)

    assert response["status"] == 200
