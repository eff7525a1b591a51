"""The sources page (``/sources``): every loaded file with its vintage and licence."""
