"""Running many independent runs: in this process, on a local process pool, or on a Dask cluster.

Every experiment (a comparison, a sweep, a sensitivity analysis, the web app's Run button) goes
through :func:`execute`, which takes :class:`Task` objects and yields an :class:`Outcome` for each
as it finishes.  A run that raises becomes a failed outcome with its message; the others go on.
Results do not depend on where a task ran: each task carries its own seed.

Three backends sit behind one loop (:mod:`sim.executors.loop`: submit while there is room, wait
for any, yield outcomes), each in a module named after it:

* :mod:`sim.executors.in_process`: in this process, in order (one worker, no time limit: the
  simplest thing to debug);
* :mod:`sim.executors.worker_pool`: :class:`WorkerPool`, local worker processes that this process
  drives itself.  It knows which task each process is running, so it can kill one process whose
  run has passed the time limit, or see which run took its process down, record that run as
  failed and start a fresh process, while the other runs go on;
* :mod:`sim.executors.futures_backend`: any ``concurrent.futures.Executor``, Dask's
  ``client.get_executor(pure=False)`` for ``scheduler=``, or a pool the caller keeps warm (the
  web app).  A time limit there can only drop the run's result; a pool that breaks hands its
  runs over to a fresh :class:`WorkerPool`.

What a task is and how one is done (:func:`run_task`, the model) is in :mod:`sim.executors.tasks`.
The names below are the package's public API; import them from ``sim.executors``.
"""

from sim.executors.loop import default_workers, execute
from sim.executors.tasks import Outcome, Runner, Task, run_task
from sim.executors.worker_pool import WorkerPool

__all__ = ["Outcome", "Runner", "Task", "WorkerPool", "default_workers", "execute", "run_task"]
