"""The map explorer (``/``): a layer, an indicator in classes, filters, a side panel, a table."""
