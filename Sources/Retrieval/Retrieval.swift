// Placeholder so the target builds; replaced by the Retrieval implementation.
