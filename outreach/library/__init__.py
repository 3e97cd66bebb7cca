"""The story library: story folders, their import, and their life (draft, approved, archived)."""
