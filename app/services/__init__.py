"""Operations: the verbs that load, decide with ``app.rules``, write one atomic conditional
update and record the audit event.

``workflow`` is the life of a convention, ``access`` the access requests, grants and
revocations. Views, the CLI and the seed call these; ``app.rules`` keeps the decisions.
"""
