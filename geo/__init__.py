"""Pure geometry: GeoDataFrame in, new GeoDataFrame out, no I/O and no project imports."""
