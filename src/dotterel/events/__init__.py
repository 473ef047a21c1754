"""Events: trigger lexicon, predicate-argument frames, modality."""
