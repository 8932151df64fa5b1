"""evpack: turns a messy evidence folder into a Coupang A-to-z review packet that passes the rules."""

__version__ = "0.1.0"
