"""A real Synapse homeserver for the Matrix tests, started once per test session."""
