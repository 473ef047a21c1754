"""The analyst's web view: a read-only FastAPI application over the store (API under /api/, pages)."""
