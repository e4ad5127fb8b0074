"""The analyses of a server process: run in one thread beside the event loop; the requests that wait while
it is busy are read and analysed together in one call, the way a batch chunk is."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from jobclass.analysis import Analysis, analyse
from jobclass.classifier import Classifier
from jobclass.reader import read_text
from jobclass.text import Posting

MAX_TOGETHER = 32  # postings per call: enough to share the model's vectorised pass, short enough to wait for
WARM_UP = Posting(
    "We deploy machine learning models to production with Python and Kubernetes.", "ML Engineer"
)

Reader = Callable[
    [], Posting
]  # reads one posting from a request (decoding, HTML to text); may raise InputError
Outcome = tuple[Posting, Analysis]


class AnalysisWorker:
    """Reads and analyses postings off the event loop, in one thread (the reader and the model are
    used by that thread only). `await worker.analyse(read)` returns the posting `read()` gives and its
    analysis, or raises what reading or analysing it raised."""

    def __init__(self, model: Classifier, max_together: int = MAX_TOGETHER):
        self.model = model
        self.max_together = max_together
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jobclass-analysis")
        self._waiting: deque[tuple[Reader, asyncio.Future]] = deque()
        self._draining: asyncio.Task | None = None

    def warm_up(self) -> None:
        """Build the reader (rule files, lemma table) now, not on the first request."""
        self._thread.submit(self._read_and_analyse, [lambda: WARM_UP]).result()

    def close(self) -> None:
        self._thread.shutdown(wait=True, cancel_futures=True)

    async def analyse(self, read: Reader) -> Outcome:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._waiting.append((read, future))
        if self._draining is None:
            self._draining = loop.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self._waiting:
                taken = [self._waiting.popleft() for _ in range(min(len(self._waiting), self.max_together))]
                try:
                    reads = [read for read, _ in taken]
                    results = await loop.run_in_executor(self._thread, self._read_and_analyse, reads)
                except asyncio.CancelledError:  # shutting down: nobody is left waiting for an answer
                    for _, future in [*taken, *self._waiting]:
                        future.cancel()
                    raise
                except Exception as err:  # the thread pool itself failed
                    results = [err] * len(taken)
                for (_, future), result in zip(taken, results, strict=True):
                    if future.done():  # the request was cancelled meanwhile
                        continue
                    if isinstance(result, Exception):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
        finally:
            self._draining = None

    def _read_and_analyse(self, reads: list[Reader]) -> list[Outcome | Exception]:
        """Each posting read (a reading error is that request's answer), the readable ones analysed in one
        call; should that call fail, each alone, so that a failure reaches its own request only. The texts
        are not kept in the reading cache afterwards."""
        results: list[Outcome | Exception | None] = [None] * len(reads)
        readable: list[tuple[int, Posting]] = []
        for number, read in enumerate(reads):
            try:
                readable.append((number, read()))
            except Exception as err:
                results[number] = err
        try:
            try:
                analyses = analyse([posting for _, posting in readable], self.model)
                for (number, posting), analysis in zip(readable, analyses, strict=True):
                    results[number] = (posting, analysis)
            except Exception as err:
                if len(readable) == 1:
                    results[readable[0][0]] = err
                else:
                    for number, posting in readable:
                        results[number] = self._analyse_alone(posting)
        finally:
            read_text.cache_clear()  # a server keeps no posting once it has answered
        return results

    def _analyse_alone(self, posting: Posting) -> Outcome | Exception:
        try:
            return posting, analyse([posting], self.model)[0]
        except Exception as err:
            return err
