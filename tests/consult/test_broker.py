"""The broker's Redis transport (consult/broker.py): one Redis client per pool, not per message."""

import os
import uuid
from unittest import mock

import redis
from django.conf import settings
from kombu import Connection, Exchange, Producer, Queue

from tests.services import require


def test_publishing_keeps_one_redis_client_and_every_message_arrives_once():
    url = os.environ.get("CELERY_BROKER_URL", "")
    require(url.startswith("redis://"), "needs Redis as the broker (CELERY_BROKER_URL=redis://...)")
    assert settings.CELERY_BROKER_TRANSPORT == "consult.broker:Transport"
    queue = Queue(f"test-broker-{uuid.uuid4().hex}", Exchange("test-broker", type="direct"), "probe")
    with Connection(url, transport=settings.CELERY_BROKER_TRANSPORT) as connection:
        producer = Producer(connection.channel(), exchange=queue.exchange, routing_key="probe")
        queue(producer.channel).declare()
        kept = producer.channel._kept_client
        with mock.patch.object(
            redis.Redis, "__init__", autospec=True, side_effect=redis.Redis.__init__
        ) as made:
            for number in range(3):
                producer.publish({"number": number})
            assert made.call_count == 0 and producer.channel._kept_client is kept
            # A pool kombu replaced (after a lost connection) gets a client of its own.
            producer.channel._pool = None
            producer.publish({"number": 3})
            assert made.call_count == 1 and producer.channel._kept_client is not kept
        received = [queue(connection.channel()).get(no_ack=True) for _ in range(5)]
        assert [message.payload["number"] for message in received[:4]] == [0, 1, 2, 3]
        assert received[4] is None
        queue(connection.channel()).delete()
