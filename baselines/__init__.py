"""dateline.baselines: the Extractor protocol, the registry, and the baseline extractors."""
