"""Dead letters: recorded once, listed, replayed (HTTP, command, admin) and purged."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from kombu import Producer

from mcp_payments.events.dead_letters import (
    dead_letter_counts,
    dead_letter_purge,
    dead_letter_record,
    dead_letter_replay,
    dlq_prune,
)
from mcp_payments.events.exceptions import DeadLetterNotFound, UnknownEventsQueue
from mcp_payments.events.models import DeadLetter
from mcp_payments.events.topology import (
    ATTEMPT_HEADER,
    REPLAY_OF_HEADER,
    dead_letter_exchange,
    dead_letter_queue,
    main_queue,
    physical_name,
)
from tests.fixtures.events import get_message, queue_depth

pytestmark = pytest.mark.django_db


def event(n: int = 1, type: str = "customer.created") -> dict:
    return {"id": f"evt_TEST{n:022d}", "object": "event", "type": type, "data": {"n": n}}


def dead_letter(broker, queue: str = "events.analytics", n: int = 1) -> DeadLetter:
    """A dead letter as the consumer leaves it: the row and its copy in <queue>.dlq."""
    letter = dead_letter_record(
        queue=queue, event=event(n), subscriber="tests.sub", error="ValueError: no", attempts=3
    )
    Producer(broker.default_channel).publish(
        json.dumps(letter.payload),
        exchange=dead_letter_exchange(),
        routing_key=physical_name(queue),
        message_id=letter.id,
        content_type="application/json",
        content_encoding="utf-8",
    )
    return letter


def test_recording_the_same_pending_dead_letter_twice_keeps_one_row(broker):
    first = dead_letter_record(
        queue="events.analytics", event=event(), subscriber="a", error="x", attempts=3
    )
    second = dead_letter_record(
        queue="events.analytics", event=event(), subscriber="a", error="x", attempts=3
    )
    assert first.id == second.id
    assert first.id.startswith("dl_")
    assert DeadLetter.objects.count() == 1
    assert dead_letter_counts() == {
        "events.realtime": 0,
        "events.notifications": 0,
        "events.analytics": 1,
        "events.compliance": 0,
    }


def test_replay_by_ids_republishes_to_the_main_queue_and_prunes_the_dlq(broker):
    letter = dead_letter(broker, n=1)
    other = dead_letter(broker, n=2)

    assert dead_letter_replay(ids=[letter.id]) == [letter.id]

    message = get_message(broker, main_queue("analytics"))
    assert json.loads(message.body) == letter.payload
    assert message.headers == {
        "event_type": "customer.created",
        ATTEMPT_HEADER: 1,
        REPLAY_OF_HEADER: letter.id,
    }
    assert message.properties["message_id"] == letter.payload["id"]
    letter.refresh_from_db()
    assert letter.status == "replayed"
    assert DeadLetter.objects.get(id=other.id).status == "pending"
    remaining = get_message(broker, dead_letter_queue("analytics"))
    assert remaining.properties["message_id"] == other.id
    assert queue_depth(broker, dead_letter_queue("analytics")) == 0


def test_replaying_a_replayed_dead_letter_does_nothing(broker):
    letter = dead_letter(broker)
    dead_letter_replay(ids=[letter.id])
    get_message(broker, main_queue("analytics"))

    assert dead_letter_replay(ids=[letter.id]) == []
    assert queue_depth(broker, main_queue("analytics")) == 0


def test_replay_by_queue_and_all(broker):
    analytics = dead_letter(broker, "events.analytics", n=1)
    compliance = dead_letter(broker, "events.compliance", n=2)

    assert dead_letter_replay(queue="events.compliance") == [compliance.id]
    assert queue_depth(broker, main_queue("compliance")) == 1
    assert dead_letter_replay(all=True) == [analytics.id]
    assert queue_depth(broker, main_queue("analytics")) == 1
    assert queue_depth(broker, dead_letter_queue("analytics")) == 0
    assert queue_depth(broker, dead_letter_queue("compliance")) == 0


def test_an_unknown_id_replays_nothing(broker):
    letter = dead_letter(broker)
    with pytest.raises(DeadLetterNotFound):
        dead_letter_replay(ids=[letter.id, "dl_NOPE"])
    assert DeadLetter.objects.get().status == "pending"
    assert queue_depth(broker, main_queue("analytics")) == 0


def test_an_unknown_queue_is_refused(broker):
    with pytest.raises(UnknownEventsQueue):
        dead_letter_replay(queue="events.billing")
    with pytest.raises(ValueError, match="needs ids, queue or all"):
        dead_letter_replay()


def test_purge_discards_pending_rows_and_the_dlq(broker):
    replayed = dead_letter(broker, n=1)
    dead_letter_replay(ids=[replayed.id])
    dead_letter(broker, n=2)
    dead_letter(broker, "events.compliance", n=3)

    assert dead_letter_purge(queue="events.analytics") == 1
    assert sorted((row.queue, row.status) for row in DeadLetter.objects.all()) == [
        ("events.analytics", "replayed"),
        ("events.compliance", "pending"),
    ]
    assert queue_depth(broker, dead_letter_queue("analytics")) == 0
    assert queue_depth(broker, dead_letter_queue("compliance")) == 1
    assert dead_letter_purge() == 1
    assert queue_depth(broker, dead_letter_queue("compliance")) == 0


def test_prune_keeps_messages_that_are_not_dead_letter_copies(broker):
    Producer(broker.default_channel).publish(
        "raw", exchange=dead_letter_exchange(), routing_key=physical_name("events.analytics")
    )
    assert dlq_prune(broker.default_channel, "events.analytics") == 0
    assert queue_depth(broker, dead_letter_queue("analytics")) == 1


# --- HTTP ------------------------------------------------------------------------------------


def test_staff_list_dead_letters_newest_first_with_filters(broker, staff_client):
    old = dead_letter(broker, "events.analytics", n=1)
    new = dead_letter(broker, "events.compliance", n=2)
    dead_letter_replay(ids=[old.id])

    page = staff_client.get("/api/v1/system/dead_letters").json()
    assert [row["id"] for row in page["data"]] == [new.id, old.id]
    row = page["data"][0]
    assert row == {
        "id": new.id,
        "object": "dead_letter",
        "queue": "events.compliance",
        "event": "evt_TEST0000000000000000000002",
        "event_type": "customer.created",
        "subscriber": "tests.sub",
        "error": "ValueError: no",
        "attempts": 3,
        "status": "pending",
        "created": row["created"],
        "replayed_at": None,
        "payload": event(2),
    }
    pending = staff_client.get("/api/v1/system/dead_letters?status=pending").json()["data"]
    assert [row["id"] for row in pending] == [new.id]
    by_queue = staff_client.get("/api/v1/system/dead_letters?queue=events.analytics").json()
    assert [row["id"] for row in by_queue["data"]] == [old.id]
    assert by_queue["data"][0]["status"] == "replayed"
    bad = staff_client.get("/api/v1/system/dead_letters?queue=events.billing")
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "unknown_queue"


def test_staff_replay_through_http(broker, staff_client):
    letter = dead_letter(broker)

    response = staff_client.post(
        "/api/v1/system/dead_letters/replay", {"ids": [letter.id]}, format="json"
    )

    assert response.status_code == 200
    assert response.json() == {
        "object": "dead_letter_replay",
        "replayed": 1,
        "dead_letters": [letter.id],
    }
    assert queue_depth(broker, main_queue("analytics")) == 1
    again = staff_client.post("/api/v1/system/dead_letters/replay", {"all": True}, format="json")
    assert again.json()["replayed"] == 0


@pytest.mark.parametrize(
    ("body", "param"),
    [({}, "all"), ({"all": True, "queue": "events.analytics"}, "queue"), ({"all": False}, "all")],
)
def test_replay_needs_exactly_one_target(broker, staff_client, body, param):
    response = staff_client.post("/api/v1/system/dead_letters/replay", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["param"] == param


def test_replay_of_an_unknown_id_is_404(broker, staff_client):
    response = staff_client.post(
        "/api/v1/system/dead_letters/replay", {"ids": ["dl_NOPE"]}, format="json"
    )
    assert response.status_code == 404
    assert response.json()["error"]["param"] == "ids"


def test_dead_letters_are_platform_staff_only(broker, api, member_client, merchant):
    assert api.get("/api/v1/system/dead_letters").status_code == 403
    assert member_client(merchant).get("/api/v1/system/dead_letters").status_code == 403
    denied = api.post("/api/v1/system/dead_letters/replay", {"all": True}, format="json")
    assert denied.status_code == 403
    assert Client().get("/api/v1/system/dead_letters").status_code == 401


# --- command and admin -------------------------------------------------------------------------


def test_command_lists_replays_and_purges(broker, capsys):
    first = dead_letter(broker, n=1)
    second = dead_letter(broker, n=2)

    call_command("dead_letters", "list")
    printed = capsys.readouterr()
    assert printed.err == "Dead letters (pending, all queues): 2\n"
    rows = [json.loads(line) for line in printed.out.splitlines()]
    assert [row["id"] for row in rows] == [second.id, first.id]
    assert rows[0]["queue"] == "events.analytics"

    call_command("dead_letters", "replay", "--id", first.id)
    assert json.loads(capsys.readouterr().out) == {"replayed": 1, "dead_letters": [first.id]}

    call_command("dead_letters", "list", "--status", "replayed")
    assert [json.loads(line)["id"] for line in capsys.readouterr().out.splitlines()] == [first.id]

    call_command("dead_letters", "purge", "--queue", "events.analytics")
    assert json.loads(capsys.readouterr().out) == {"purged": 1}
    with pytest.raises(CommandError, match="No such events queue"):
        call_command("dead_letters", "replay", "--queue", "events.billing")


def test_admin_replays_the_selected_dead_letters(broker, staff_user):
    letter = dead_letter(broker)
    client = Client()
    client.force_login(staff_user)

    page = client.get("/admin/events/deadletter/")
    assert page.status_code == 200
    assert letter.id in page.content.decode()
    response = client.post(
        "/admin/events/deadletter/",
        {"action": "replay", "_selected_action": [letter.id]},
        follow=True,
    )

    assert response.status_code == 200
    assert "Replayed 1 dead letters." in response.content.decode()
    assert DeadLetter.objects.get().status == "replayed"
    assert queue_depth(broker, main_queue("analytics")) == 1


def test_list_says_when_there_is_no_dead_letter(capsys):
    call_command("dead_letters", "list", "--queue", "events.analytics")
    printed = capsys.readouterr()
    assert (printed.out, printed.err) == ("", "Dead letters (pending, queue events.analytics): 0\n")
