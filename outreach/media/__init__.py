"""Photos: checking originals at import and making renditions for each channel."""
