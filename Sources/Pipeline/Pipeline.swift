// Placeholder so the target builds; replaced by the Pipeline implementation.
