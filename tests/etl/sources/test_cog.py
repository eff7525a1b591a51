"""etl.sources.cog: bad COG 2026 files stop the build with the file, the key and the column; the
last good database stays byte-identical."""

from __future__ import annotations


def test_missing_file(last_good):
    mirror, paths, good = last_good
    (mirror / "cog-2026/epci.json").unlink()
    last_good.fails(file="cog-2026/epci.json", match="file not found")


def test_truncated_json(last_good):
    mirror, paths, good = last_good
    f = mirror / "cog-2026/communes.json"
    f.write_bytes(f.read_bytes()[:700])
    e = last_good.fails(file="cog-2026/communes.json", match="truncated JSON")
    assert isinstance(e.row, int) and e.row > 1  # the line where the text stops


def test_duplicate_code(last_good):
    mirror, paths, good = last_good
    last_good.edit_json(mirror / "cog-2026/communes.json", lambda recs: recs + [dict(recs[1])])
    last_good.fails(file="communes.json", row="76002", column="code", match="duplicate code")


def test_wrong_encoding(last_good):
    mirror, paths, good = last_good
    f = mirror / "cog-2026/communes.json"
    f.write_bytes(f.read_text(encoding="utf-8").encode("latin-1"))
    last_good.fails(file="communes.json", match="not valid UTF-8")


def test_unknown_member_commune(last_good):
    mirror, paths, good = last_good

    def bad(recs):
        recs[0]["membres"].append({"code": "99999", "nom": "Nulle part"})
        return recs

    last_good.edit_json(mirror / "cog-2026/epci.json", bad)
    last_good.fails(file="epci.json", row="200000001", column="membres", match="99999")
