"""A phrase matcher over every name the knowledge base knows."""

from __future__ import annotations

from dotterel.actors.kb import KnowledgeBase


def build_name_matcher(nlp, kb: KnowledgeBase):  # type: ignore[no-untyped-def]
    """spaCy PhraseMatcher (exact spelling) for actor, organization, country and capital names."""
    from spacy.matcher import PhraseMatcher

    matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
    forms = sorted(f for f in kb.all_surface_forms() if f.strip())
    variants: set[str] = set()
    for form in forms:
        variants.add(form)
        variants.add(form.replace("'", "’"))
    patterns = list(nlp.tokenizer.pipe(sorted(variants)))
    matcher.add("NAME", patterns)
    return matcher
