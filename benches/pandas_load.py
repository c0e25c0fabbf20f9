"""The peer of `facelab bench load`: how the well-known age_gender.csv notebooks load the data.

They call pandas.read_csv, turn each row's pixel string into a numpy array with
`np.array(x.split(), dtype="float32")`, then stack the rows into one array of faces
(`np.array(data["pixels"].tolist())`), which is what facelab's loader produces too. This script
times those steps together, several runs, and prints one
JSON line: {"median_seconds", "seconds", "rows", "peak_rss_mb", "pandas"}; or
{"unavailable": reason} where pandas or numpy is missing.

Usage: python3 pandas_load.py FILE [RUNS]   (facelab passes the script on standard input)
"""

import json
import resource
import statistics
import sys
import time


def main() -> None:
    path = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    try:
        import numpy as np
        import pandas as pd
    except ImportError as error:
        print(json.dumps({"unavailable": f"pandas or numpy is not installed ({error})"}))
        return

    seconds = []
    rows = 0
    for _ in range(runs):
        start = time.perf_counter()
        data = pd.read_csv(path)
        data["pixels"] = data["pixels"].apply(lambda x: np.array(x.split(), dtype="float32"))
        faces = np.array(data["pixels"].tolist())
        seconds.append(time.perf_counter() - start)
        rows = len(faces)
        del data, faces

    # ru_maxrss is in KiB on Linux.
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6
    print(
        json.dumps(
            {
                "median_seconds": statistics.median(seconds),
                "seconds": seconds,
                "rows": rows,
                "peak_rss_mb": peak_mb,
                "pandas": pd.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
