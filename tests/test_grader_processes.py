"""The grader processes of a batch (autograder.processes): pinned, and a dead one loses nothing."""

import os

from autograder import processes


class State:
    """What a grader process builds once; ``close`` must run when it stops."""

    def __init__(self, log: str) -> None:
        self.log = log

    def close(self) -> None:
        with open(self.log, "a") as f:
            f.write(f"{os.getpid()}\n")


def _grade(state: State, task: int):
    if task == 3:
        os._exit(7)  # a grader process that dies while it holds task 3
    return ("graded", task, sorted(os.sched_getaffinity(0)), os.getpid())


def _crashed(task: int, how: str):
    return ("crashed", task, how)


def test_every_task_gets_one_result_even_when_a_grader_process_dies(tmp_path):
    log = tmp_path / "closed.txt"
    out = list(processes.run(range(8), 2, lambda: State(str(log)), _grade, _crashed))
    assert sorted(r[1] for r in out) == list(range(8)), out
    crashed = [r for r in out if r[0] == "crashed"]
    assert crashed == [("crashed", 3, "its grader process ended (exit status 7)")]
    graded = [r for r in out if r[0] == "graded"]
    cpus = processes.cpus()
    # each grader process runs on one CPU; with two processes, two different CPUs if there are
    assert all(len(r[2]) == 1 and r[2][0] in cpus for r in graded)
    by_pid = {r[3]: r[2][0] for r in graded}
    if len(cpus) > 1:
        assert len(set(by_pid.values())) == 2, by_pid
    # the process that died graded a task before task 3 (tasks 0 and 1 go first); a new one
    # took its place only if tasks were left; every process but the dead one closed its state
    assert len(by_pid) in (2, 3), out
    closed = {int(x) for x in log.read_text().split()}
    assert len(closed) == len(by_pid) - 1 and closed < set(by_pid), (closed, out)
    assert os.getpid() not in closed


def test_more_processes_than_tasks_start_only_what_is_needed(tmp_path):
    log = tmp_path / "closed.txt"
    out = list(processes.run([0], 4, lambda: State(str(log)), _grade, _crashed))
    assert [r[:2] for r in out] == [("graded", 0)]
    assert len(log.read_text().split()) == 1


def test_a_batch_goes_on_when_a_grader_process_dies(tmp_path, monkeypatch):
    """The submission being graded gets a named status and a score of 0; the others are graded."""
    import dataclasses

    from autograder import examples, grader, results
    from autograder.sandbox import Spec

    module = "least_squares"
    ref = examples.reference(module)
    paths = [
        examples.Example(module, name, "reference", ref.source).write(tmp_path / "subs")
        for name in ("ann", "bob", "cy")
    ]
    real = grader.grade_submission

    def dies_on_bob(spec, sub, **kw):
        if sub.name == "bob":
            os._exit(9)  # the grader process itself dies (not the sandboxed worker)
        return real(spec, sub, **kw)

    monkeypatch.setattr(grader, "grade_submission", dies_on_bob)
    spec = Spec.from_registry(module)
    spec = dataclasses.replace(spec, tests=spec.tests[:2])
    recs = grader.grade_batch(spec, paths, tmp_path / "out", workers=2, progress=False)
    by_name = {r["extra_data"]["submission"]: r for r in recs}
    assert sorted(by_name) == ["ann", "bob", "cy"]
    bob = by_name["bob"]
    assert bob["extra_data"]["status"] == "error" and bob["score"] == 0
    assert "its grader process ended (exit status 9)" in bob["extra_data"]["message"]
    for name in ("ann", "cy"):
        rec = by_name[name]
        assert rec["extra_data"]["status"] == "ok" and rec["score"] > 0, rec["extra_data"]
    rows = results.read_gradebook(tmp_path / "out" / "gradebook.csv")
    assert sorted(r["submission"] for r in rows) == ["ann", "bob", "cy"]
