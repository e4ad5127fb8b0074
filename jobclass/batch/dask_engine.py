"""The Dask engine: the same per-chunk function over dask.dataframe partitions on a Dask cluster.

Input is CSV or Parquet (globs allowed). A CSV file is read whole by one task (postings hold line breaks
inside quoted fields, so a CSV cannot be split by byte ranges) and then repartitioned; split very large
CSVs into several files, or use Parquet. A malformed CSV row fails its file, unlike the local engine,
which sends it to the errors file. The verified model is loaded here and shipped to every
worker once (`Client.scatter(..., broadcast=True)`); partitions are labeled on the workers and written
here, in input order, by the same writers as the local engine. It keeps no checkpoint (`--resume` is
refused). Needs `pip install 'jobclass[dask]'`.
"""

from __future__ import annotations

import logging
import time
from itertools import accumulate
from pathlib import Path

from jobclass.batch.readers import Columns, make_row
from jobclass.batch.runner import BatchSummary, batch_outputs, label_chunk
from jobclass.batch.settings import DEFAULT_MAX_CHARS
from jobclass.batch.targets import check_batch_targets
from jobclass.batch.writers import check_output
from jobclass.classifier import Classifier, load_model
from jobclass.errors import InputError

PARTITIONS_PER_WORKER = 4


def label_partition(
    frame, first_row: int, model: Classifier, columns: Columns, fields: list[str], max_chars: int
):
    """Label one partition whose first row has number `first_row`."""
    records = frame.to_dict("records")
    rows = [make_row(first_row + i, record, columns, max_chars) for i, record in enumerate(records)]
    return len(rows), label_chunk(rows, model, fields)


def read_frame(path: str):
    try:
        import dask.dataframe as dd
    except ImportError:
        raise InputError("the Dask engine needs dask: pip install 'jobclass[dask]'") from None
    suffix = Path(path.replace("*", "x")).suffix.lower()
    if suffix == ".csv":
        # Whole files: quoted fields of postings hold line breaks, so byte ranges cannot split a CSV.
        return dd.read_csv(path, dtype=str, keep_default_na=False, blocksize=None)
    if suffix == ".parquet":
        return dd.read_parquet(path)
    raise InputError(f"{path}: the Dask engine reads .csv or .parquet files (globs allowed)")


def run_dask(
    input_path: str | Path,
    output: str | Path,
    errors_path: str | Path,
    model_path: str | Path,
    columns: Columns,
    fields: list[str],
    workers: int,
    scheduler: str | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    neutralise_formulas: bool = True,
) -> BatchSummary:
    """Label every row of a CSV/Parquet input (or glob) on a Dask cluster; same outputs as `run_batch`,
    never over any input file. No checkpoint: an interrupted run starts again."""
    check_batch_targets(input_path, output, errors_path)
    for path in (output, errors_path):
        check_output(path)
    from distributed import Client, LocalCluster

    started = time.perf_counter()
    logging.getLogger("distributed").setLevel(logging.WARNING)  # its INFO lines would flood stderr
    frame = read_frame(str(input_path))
    columns = columns.resolve(list(frame.columns), str(input_path))
    frame = frame.repartition(npartitions=max(frame.npartitions, PARTITIONS_PER_WORKER * workers))
    model = load_model(model_path)
    cluster = (
        None
        if scheduler
        else LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, silence_logs=logging.ERROR)
    )
    try:
        with Client(scheduler or cluster) as client:
            shipped = client.scatter(model, broadcast=True)
            sizes = frame.map_partitions(len).compute()
            partitions = client.compute(frame.to_delayed())
            offsets = list(accumulate(sizes[:-1], initial=1))  # number of each partition's first row
            futures = [
                client.submit(label_partition, part, first, shipped, columns, fields, max_chars, pure=False)
                for part, first in zip(partitions, offsets, strict=True)
            ]
            with batch_outputs(output, errors_path, fields, neutralise_formulas) as outputs:
                for future in futures:  # in input order
                    count, result = future.result()
                    outputs.write(count, result.rows, result.errors)
    finally:
        if cluster is not None:
            cluster.close()
    return outputs.summary(time.perf_counter() - started)
