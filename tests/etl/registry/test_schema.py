"""etl.registry.schema: reading a registry file."""

from __future__ import annotations

from etl.registry.schema import read_file


def test_registry_csv_with_empty_trailing_columns(mini_mirror, tmp_path):
    f = tmp_path / "r.csv"
    f.write_text(
        "identifiant;nom;commune;date;statut;source;;\nA;Usine;76001;2024;financé;DGE;;\n;;;;;;;\n",
        encoding="utf-8",
    )
    df = read_file(f)
    assert df.index.tolist() == [1] and df.at[1, "commune"] == "76001"
