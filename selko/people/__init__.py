"""Clients and coaches, family shares, and what Selko keeps of a client."""
