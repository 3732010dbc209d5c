"""Import every module that registers rules, so the registry is complete once Django is ready."""

from tochuc.rules import cadres  # noqa: F401
from tochuc.rules import admission  # noqa: F401
from tochuc.rules import badge  # noqa: F401
from tochuc.rules import discipline  # noqa: F401
from tochuc.rules import evaluation  # noqa: F401
from tochuc.rules import probation  # noqa: F401
from tochuc.rules import status  # noqa: F401
