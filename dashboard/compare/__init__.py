"""``/comparer``: two to four units of a layer side by side, with the median of France."""
