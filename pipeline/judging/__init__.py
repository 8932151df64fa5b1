"""Judging helpers: document-kind keywords, the review window, the submission ledger, the statement text."""
