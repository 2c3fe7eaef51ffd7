"""Seed data for e-Pôles: article templates, the demo set and a full-scale generator.

Every loader is idempotent: documents are matched on their natural key (FASE number, pole
number, username, kind + article key) and only what is missing is inserted.
"""
