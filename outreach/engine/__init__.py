"""The publishing engine: planning slots, the outbox and a person's changes to it,
dispatching, collecting, and the service that runs them."""
