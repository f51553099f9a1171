"""Extraction core: a press release in, a proposed agreement record with evidence out.

Pure Python on purpose (no Django imports): the API and admin wrap it, and it can be
run and tested without a database.
"""
