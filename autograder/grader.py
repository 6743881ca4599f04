"""The hardened grader: grade submissions in sandboxed workers, write results as they come.

``grade_submission`` grades one submission in a :class:`~autograder.session.Session` (the
tests run here, the student's functions in the worker); ``grade_batch`` grades many, in
grader processes pinned one per CPU that each drive their own worker
(:mod:`autograder.processes`), resumes what an earlier run already graded, and keeps
``gradebook.csv`` current after every submission (only the main process writes).
"""

from __future__ import annotations

import json
import pathlib
import sys
import time
from collections.abc import Iterator, Sequence

from autograder import (
    details,
    fingerprint,
    processes,
    regrades,
    results,
    rules,
    sandbox,
    scan,
    submissions,
    testfiles,
)
from autograder.sandbox import Environment, Incident, Limits, Spec, UidSlot, is_root
from autograder.session import Session
from autograder.testfiles import CaseResult, QuestionResult

#: Precedence of statuses when several incidents happen in one submission.
STATUS_ORDER = ("invalid", "error", "timeout", "crash", "ok")


def question_outline(path: pathlib.Path) -> QuestionResult:
    """The question of a test file with its cases and points, nothing run yet."""
    tf = testfiles.load(path)
    q = QuestionResult(tf.name, float(sum(tc.points for tc in tf.test_cases)))
    q.cases = [
        CaseResult(tc.name, float(tc.points), bool(tc.hidden), False, "") for tc in tf.test_cases
    ]
    return q


def zero(outline: QuestionResult, note: str) -> QuestionResult:
    """The question scored zero with ``note`` as the explanation for every case."""
    cases = [CaseResult(c.name, c.points, c.hidden, False, note) for c in outline.cases]
    return QuestionResult(outline.name, outline.possible, cases, note, forced_zero=True)


def _worst(a: str, b: str) -> str:
    return min(a, b, key=STATUS_ORDER.index)


def grade_submission(
    spec: Spec,
    sub: submissions.Submission,
    *,
    env: Environment,
    uid: int | None,
    outlines: list[QuestionResult] | None = None,
    hidden_feedback: str = "never",
    details_out: list | None = None,
) -> dict:
    """Grade one resolved submission in a sandboxed session.

    Parameters
    ----------
    spec : Spec
        The module: test files, reference package, API names.
    sub : submissions.Submission
        The resolved submission (``sub.error`` set means invalid: every question scores 0).
    env : Environment
        Limits, staging folder and fork server shared by the run.
    uid : int or None
        The unprivileged uid of this worker slot (``None`` when not root).
    outlines : list of QuestionResult, optional
        The questions with their cases (loaded once per batch).
    hidden_feedback : {"never", "after-published"}
        Whether the record shows hidden cases' messages after publication.
    details_out : list, optional
        Receives the instructor-only details of every case (:func:`autograder.details.cases`).

    Returns
    -------
    dict
        The results record (Gradescope ``results.json`` schema, see
        :func:`autograder.results.record`); never raises for anything the student did.
    """
    t0 = time.monotonic()
    outlines = outlines or [question_outline(p) for p in spec.tests]
    mod = spec.module
    if sub.error or sub.source is None:
        msg = f"The submission is invalid: {sub.error}"
        qs = [zero(o, msg) for o in outlines]
        if details_out is not None:
            details_out.extend(details.cases(qs))
        return results.record(
            module=mod,
            name=sub.name,
            sha256=sub.sha256,
            status="invalid",
            questions=qs,
            message=msg,
            seconds=time.monotonic() - t0,
            hidden_feedback=hidden_feedback,
        )
    status, message = "ok", ""
    qs: list[QuestionResult] = []
    session = Session(spec, sub.source, env, uid)
    forbidden: list[str] = []  # run-time forbidden calls, for the flags
    broken = ""  # set when the module cannot be (re)imported: the rest scores zero
    try:
        for path, outline in zip(spec.tests, outlines):
            if broken:
                qs.append(zero(outline, broken))
                continue
            try:
                if not session.alive:
                    error = session.start()
                    if error is not None:
                        status = _worst(status, "error")
                        broken = message = (
                            f"Your numdl/{mod}.py could not be imported: "
                            f"{error.get('type', 'Exception')}: {error.get('message', '')}"
                        )
                        qs.append(zero(outline, broken))
                        continue
                session.take_forbidden()
                q = testfiles.run_file(path, session.namespace)
                hits = session.take_forbidden()
                if hits:
                    message_of = rules.load(spec.package).message
                    testfiles.forbid(q, [message_of(f, r) for f, r in hits])
                    forbidden += [f"{q.name}: `{f}` called `{r}`" for f, r in hits]
                qs.append(q)
            except Incident as e:
                status = _worst(status, e.kind)
                note = f"{outline.name} scores 0: {e.message}."
                message = message or note
                qs.append(zero(outline, note))
                if "import numdl" in e.message:
                    broken = note
    finally:
        session.close()
    output = "\n".join(session.outputs)
    flags = [f"forbidden call in {f}" for f in forbidden] + scan.flags(
        sub.source, mod, rules.load(spec.package)
    )
    if details_out is not None:
        details_out.extend(details.cases(qs))
    return results.record(
        flags=flags,
        module=mod,
        name=sub.name,
        sha256=sub.sha256,
        status=status,
        questions=qs,
        message=message,
        output=output,
        sandbox=session.sandbox,
        seconds=time.monotonic() - t0,
        hidden_feedback=hidden_feedback,
    )


def default_hide(
    spec: Spec, out: pathlib.Path, paths: Sequence[pathlib.Path]
) -> list[pathlib.Path]:
    """Folders the worker must not see: the grader's tree, tests, output and submissions."""
    tests = {p.parent for p in spec.tests}
    hide = [*spec.secret, spec.package, *tests, out, pathlib.Path("/root")]
    for p in paths:
        hide += [p, p.parent]
    return hide


def grade_batch(
    spec: Spec,
    paths: Sequence[str | pathlib.Path],
    out: pathlib.Path,
    *,
    workers: int = 1,
    limits: Limits | None = None,
    progress: bool = True,
    regrade: bool = False,
    hidden_feedback: str = "never",
    stats: dict | None = None,
) -> list[dict]:
    """Grade many submissions into ``out``, resuming what an earlier run already graded.

    Parameters
    ----------
    spec : Spec
        The module to grade.
    paths : sequence of path
        Submissions: folders holding ``numdl/<module>.py``, ``.zip`` files or ``.py`` files.
    out : pathlib.Path
        Output folder: ``results/<name>.json`` and ``gradebook.csv`` (written atomically
        after every submission).
    workers : int
        Submissions graded in parallel (one pinned grader process and one worker each).
    limits : Limits, optional
        Resource and time limits (defaults: :class:`Limits`).
    progress : bool
        Show a progress bar on stderr.
    regrade : bool
        Grade every submission again, even those whose result is current.
    hidden_feedback : {"never", "after-published"}
        Whether results show hidden cases' messages after publication.
    stats : dict, optional
        Receives ``summary``: one line on what was regraded, kept and new.

    Returns
    -------
    list of dict
        The records of all submissions, in name order. A submission whose result holds the
        same sha256 and grading fingerprint (:mod:`autograder.fingerprint`) is not graded
        again; each replaced result is logged in ``regrades.csv`` (:mod:`autograder.regrades`).
        ``details/<name>.json`` is written just before each result.

    Raises
    ------
    ValueError
        If two submissions have the same name.
    """
    limits = limits or Limits()
    out = pathlib.Path(out)
    subs = [submissions.resolve(p, spec.module) for p in paths]
    names = [s.name for s in subs]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f"several submissions are named {', '.join(dupes)}")
    (out / "results").mkdir(parents=True, exist_ok=True)
    outlines = [question_outline(p) for p in spec.tests]
    qnames = [o.name for o in outlines]
    fp = fingerprint.compute(spec, limits, hidden_feedback=hidden_feedback)
    plan = regrades.plan(out, subs, fp, force=regrade)
    done: dict[str, dict] = dict(plan.keep)
    todo = [s for s in subs if s.name not in plan.keep]
    run = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    if stats is not None:
        stats["summary"] = regrades.summary(plan, 0)
    results.write_gradebook(out, list(done.values()), qnames)
    if not todo:
        return [done[n] for n in sorted(done)]
    hide = default_hide(spec, out, [s.path for s in subs])
    job = _Job(spec, limits, hide, outlines, hidden_feedback, fp)
    bar = _progress(len(subs), len(done), progress)
    if len(todo) == 1:  # Gradescope's case: here, with the fork server started early
        graded: Iterator = iter([job.grade(job.setup(lean=True), todo[0], close=True)])
    else:
        sandbox.discard_prestarted()  # each grader process starts its own, on its CPU
        graded = processes.run(todo, max(1, workers), job.setup, job.grade, job.crashed)
    for rec, cases in graded:
        name = rec["extra_data"]["submission"]
        details.write(out, name, cases)
        results.write_record(out, rec)
        if name in plan.old:
            regrades.log(out, run, plan.old[name], rec, plan.reasons[name])
        done[name] = rec
        results.write_gradebook(out, list(done.values()), qnames)
        bar.update(1)
    bar.close()
    if stats is not None:
        stats["summary"] = regrades.summary(plan, len(plan.old))
    return [done[n] for n in sorted(done)]


class _GraderState:
    """What one grader process keeps: the run's environment and its unprivileged uid."""

    def __init__(self, env: Environment) -> None:
        self.env = env
        self.uid = UidSlot() if is_root() else None

    def close(self) -> None:
        if self.uid is not None:
            self.uid.release()
        self.env.close()


class _Job:
    """Grading one batch: what a grader process needs to grade any of its submissions."""

    def __init__(self, spec, limits, hide, outlines, hidden_feedback, fp) -> None:
        self.spec, self.limits, self.hide = spec, limits, hide
        self.outlines, self.hidden_feedback, self.fp = outlines, hidden_feedback, fp

    def setup(self, lean: bool = False) -> _GraderState:
        env = Environment(self.limits, self.hide, lean=lean)
        if not lean:  # a batch: its fork server's start belongs to no submission
            env.warm(self.spec)
        return _GraderState(env)

    def grade(
        self, slot: _GraderState, sub: submissions.Submission, close: bool = False
    ) -> tuple[dict, list]:
        """The record and the details of one submission; a grader bug still gives a row."""
        cases: list = []
        try:
            rec = grade_submission(
                self.spec,
                sub,
                env=slot.env,
                uid=slot.uid.uid if slot.uid else None,
                outlines=self.outlines,
                hidden_feedback=self.hidden_feedback,
                details_out=cases,
            )
        except Exception as e:  # noqa: BLE001 - a grader bug must still give a row
            rec, cases = self.crashed(sub, f"{type(e).__name__}: {e}")
        finally:
            if close:
                slot.close()
        rec["extra_data"]["fingerprint"] = self.fp
        return rec, cases

    def crashed(self, sub: submissions.Submission, how: str) -> tuple[dict, list]:
        """The row of a submission whose grading failed in the grader itself."""
        msg = f"Internal grader error ({how}); please tell the staff."
        qs = [zero(o, msg) for o in self.outlines]
        rec = results.record(
            module=self.spec.module,
            name=sub.name,
            sha256=sub.sha256,
            status="error",
            message=msg,
            questions=qs,
        )
        rec["extra_data"]["fingerprint"] = self.fp
        return rec, details.cases(qs)


def _progress(total: int, initial: int, enabled: bool):
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread: grader processes are forked after this
    return tqdm(
        total=total,
        initial=initial,
        desc="grading",
        unit="submission",
        file=sys.stderr,
        disable=not enabled,
        dynamic_ncols=True,
    )


def summary_line(rec: dict) -> str:
    x = rec["extra_data"]
    return json.dumps({"submission": x["submission"], "status": x["status"], "score": rec["score"]})
