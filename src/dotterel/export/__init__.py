"""Output formats: PLOVER JSON Lines and flat CSV rows."""
