from tests.outbox.broker import broker_down  # noqa: F401 - a fixture
