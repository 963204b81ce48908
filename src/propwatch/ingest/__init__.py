"""Ingest: find inputs, read and decode them into RawDocuments."""

from propwatch.ingest.read import DEFAULT_MAX_BYTES, Input, find_inputs, read_input

__all__ = ["DEFAULT_MAX_BYTES", "Input", "find_inputs", "read_input"]
