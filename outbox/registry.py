"""Which handler delivers which kind of item. Higher apps register theirs in their `AppConfig.ready`."""

from collections.abc import Callable

Handler = Callable[[int, str], None]

_handlers: dict[str, Handler] = {}


def register(kind: str, handler: Handler) -> None:
    """Let `handler(object_id, key)` deliver items of this kind; it reads the state and may send nothing."""
    known = _handlers.get(kind)
    if known is not None and known is not handler:
        raise ValueError(f"The outbox kind {kind!r} already has a handler: {known!r}.")
    _handlers[kind] = handler


def handler_for(kind: str) -> Handler:
    try:
        return _handlers[kind]
    except KeyError:
        raise LookupError(f"No outbox handler is registered for {kind!r}.") from None


def kinds() -> list[str]:
    return sorted(_handlers)
