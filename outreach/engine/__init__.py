"""The publishing engine: planning slots, the outbox, dispatching, collecting, the service."""
