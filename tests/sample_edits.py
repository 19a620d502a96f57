"""Edits to a copy of the sample package that tests share."""


def same_disease_readmission(package) -> None:
    """S-STAY2 readmitted for the disease of S-STAY1 (K80): a split stay under revision 2,
    which needs the same main-diagnosis category (the sample's J18 after K80 is none)."""
    path = package / "claims.csv"
    rows = path.read_text(encoding="utf-8").splitlines()
    for i, row in enumerate(rows):
        cells = row.split(",")
        if cells[0] == "S-STAY2":
            cells[11] = "K80.200"
            rows[i] = ",".join(cells)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
