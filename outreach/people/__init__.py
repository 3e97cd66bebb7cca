"""Coordinators and reporters: who may send photo reports and who approves them.

A person is enrolled by a one-time invitation link a coordinator makes from the
CLI (``roster.invite``); opening it in a bot binds that platform account to the
person (``roster.enrol``). Every act is written to the audit log (``audit``).
"""
