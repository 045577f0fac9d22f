"""Articles in, searchable cited passages out: readers, normalization, passages, embeddings and the store."""
