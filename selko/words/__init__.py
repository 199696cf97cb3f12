"""Words: the coach's labels, the client's words, and the selko rules (check and lint)."""
