"""fogwatch: a sourced, geolocated record of conflict claims."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("fogwatch")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0"
