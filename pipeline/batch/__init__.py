"""Parallel work: many packets at once (batch), and the order-preserving map inside one packet (executors)."""
