"""The analyses of a server process: run in one thread beside the event loop, requests that wait while it
is busy analysed together in one call, the way a batch chunk is."""

from __future__ import annotations

import asyncio
from collections import deque
from concurrent.futures import ThreadPoolExecutor

from jobclass.analysis import Analysis, analyse
from jobclass.classifier import Classifier
from jobclass.reading import read_text
from jobclass.text import Posting

MAX_TOGETHER = 32  # postings per call: enough to share the model's vectorised pass, short enough to wait for
WARM_UP = Posting(
    "We deploy machine learning models to production with Python and Kubernetes.", "ML Engineer"
)


class AnalysisWorker:
    """Analyses postings off the event loop, in one thread (the spaCy pipeline and the model are used by
    that thread only). `await worker.analyse(postings)` returns their analyses in order."""

    def __init__(self, model: Classifier, max_together: int = MAX_TOGETHER):
        self.model = model
        self.max_together = max_together
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jobclass-analysis")
        self._waiting: deque[tuple[list[Posting], asyncio.Future]] = deque()
        self._draining: asyncio.Task | None = None

    def warm_up(self) -> None:
        """Build the spaCy pipeline and read the rule files now, in the worker thread, not on the first
        request."""
        self._thread.submit(self._analyse_groups, [[WARM_UP]]).result()

    def close(self) -> None:
        self._thread.shutdown(wait=True, cancel_futures=True)

    async def analyse(self, postings: list[Posting]) -> list[Analysis]:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._waiting.append((postings, future))
        if self._draining is None:
            self._draining = loop.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self._waiting:
                taken = [self._waiting.popleft()]
                count = len(taken[0][0])
                while self._waiting and count + len(self._waiting[0][0]) <= self.max_together:
                    taken.append(self._waiting.popleft())
                    count += len(taken[-1][0])
                try:
                    groups = [group for group, _ in taken]
                    results = await loop.run_in_executor(self._thread, self._analyse_groups, groups)
                except asyncio.CancelledError:  # shutting down: nobody is left waiting for an answer
                    for _, future in [*taken, *self._waiting]:
                        future.cancel()
                    raise
                except Exception as err:  # the thread pool itself failed
                    results = [err] * len(taken)
                for (_, future), result in zip(taken, results, strict=True):
                    if future.done():  # the request was cancelled meanwhile
                        continue
                    if isinstance(result, BaseException):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
        finally:
            self._draining = None

    def _analyse_groups(self, groups: list[list[Posting]]) -> list[list[Analysis] | Exception]:
        """Every group's analyses from one call; if that call fails, each group alone, so that a failure is
        reported to the request it came from only. The texts are not kept in the reading cache afterwards."""
        try:
            analyses = analyse([posting for group in groups for posting in group], self.model)
        except Exception as err:
            if len(groups) == 1:
                return [err]
            return [self._analyse_groups([group])[0] for group in groups]
        finally:
            read_text.cache_clear()  # a server keeps no posting once it has answered
        results, start = [], 0
        for group in groups:
            results.append(analyses[start : start + len(group)])
            start += len(group)
        return results
