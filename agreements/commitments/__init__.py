"""Commitments: what an agreement promises, when it falls due, and whether it was kept."""
