"""One story told by many outlets: near-duplicate articles found at ingest and given one story id."""
