"""Ingest: find inputs, read and decode them into RawDocuments."""

from propwatch.ingest.decode import Decoded, decode
from propwatch.ingest.find import Input, find_inputs
from propwatch.ingest.read import DEFAULT_MAX_BYTES, read_input, read_text_file

__all__ = ["DEFAULT_MAX_BYTES", "Decoded", "Input", "decode", "find_inputs", "read_input",
           "read_text_file"]
