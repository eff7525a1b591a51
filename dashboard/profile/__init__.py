"""The territory profile (``/territoire/<wave>/<id>``): one territory of one wave on one page."""
