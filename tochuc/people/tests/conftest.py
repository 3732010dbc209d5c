from tochuc.core.tests.helpers import fast_passwords  # noqa: F401  (autouse fixture)
