"""The HTTP API's routers, one per subsystem."""
