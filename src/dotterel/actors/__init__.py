"""Actors: knowledge base, name matching, mention resolution and coreference."""
