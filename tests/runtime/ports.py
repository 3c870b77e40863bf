"""A free loopback port for the servers the tests and benchmarks start (gunicorn, nginx, SMTP, an SMS gateway)."""
import socket


def free_port() -> int:
    """A port nothing listens on now (the kernel picks it; another process could still take it first)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
