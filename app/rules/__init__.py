"""Business rules of e-Pôles: pure Python, no Flask.

Views, CLI commands and the seed call these modules; they never decide a rule themselves.
"""
