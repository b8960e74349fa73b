"""Reads of the periodic assessment, scoped to the caller: one module per area."""
