"""nødkit: printable IT-outage emergency kits from a municipality's emergency plan."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("nodkit")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0"
