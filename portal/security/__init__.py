"""Authorization (permissions.py), server-side sessions, passwords, throttling and headers."""
