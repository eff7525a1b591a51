"""ETL: raw files of the mirror -> DuckDB database of the Territoires d'industrie dashboard."""
