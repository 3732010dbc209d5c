"""A cheap Argon2id for the test run only (see `PASSWORD_HASHERS` in settings).

Production keeps Django's Argon2 parameters (about 100 MB and a large fraction of a second per
hash, by design). Tests create accounts in nearly every fixture, and at those parameters the
suite spent most of its time hashing; the algorithm and encoding stay the same.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 64
    parallelism = 1
