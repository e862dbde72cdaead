"""Writing an analysis' lineups: the readable ``lineups.csv`` and DK's bulk-upload ``dk_upload.csv``."""

from __future__ import annotations

import numpy as np


#: The filled copy of DK's entries file, beside the other outputs.
ENTRIES_FILE = "DKEntries_filled.csv"


def write_lineup_files(a, folder) -> dict:
    """Write ``lineups.csv`` (readable, numbered 1..n) and ``dk_upload.csv`` (DK ids, same order), and with
    entries ``DKEntries_filled.csv`` (DK's entries file with every entry's lineup, ready for "Upload entries").

    Each is written atomically (a temporary file, then a rename). The upload file is
    skipped, with the reason in the returned ``notes``, when a used driver has no DK id.
    """
    from pathlib import Path

    from ..io import write_dk_upload
    from ..utils.atomic import atomic_write_text

    folder = Path(folder)
    out = {"notes": []}
    out["lineups"] = atomic_write_text(folder / "lineups.csv",
                                       a.lineups.to_csv(index=False, float_format="%.4g"))
    p = a.slate.players
    used = np.unique(a.portfolio.lineups)
    if "dk_id" not in p or p["dk_id"].isna().to_numpy()[used].any():
        out["notes"].append("no dk_upload.csv: the slate has no DK ids for every driver used "
                            "(a DKSalaries.csv export has them)")
    else:
        out["dk_upload"] = write_dk_upload(a.portfolio.lineups, a.slate, folder / "dk_upload.csv")
    if getattr(a, "entries", None) is not None:
        out["dk_entries"] = a.write_entries(folder / ENTRIES_FILE)
    return out
