"""Instructor tooling for the numdl course: release, check and (hardened) grading.

Run as ``python -m autograder {release,check,grade,report,demo}``.
"""
