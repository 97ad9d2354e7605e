"""dateline.evaluation: span matching, scorers per layer, comparison and agreement."""
