"""Batch labeling: read postings in chunks, label them in worker processes, write a labeled file."""
