"""What every page of the dashboard shares.

gateway (the read gateway and its cache), layers, indicators, admin (filters and places), units
(one unit's facts), search, provenance, registries, geometry (layers for the browser), routes
(the Flask routes serving them), mapview (national view and layer URLs), classify, formats,
exports, charts, components, urlstate, inputs, links, theme, wiring (callbacks as data).
Nothing here imports a feature package.
"""
