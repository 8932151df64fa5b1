"""Ingest: what a file is (by content), and lossless conversions to PDF/JPEG/PNG (sniff, convert, transcript)."""
