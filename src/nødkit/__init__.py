"""nødkit: printable IT-outage emergency kits from a municipality's emergency plan."""


def __getattr__(name: str):
    # Looked up on first use, not on import: importlib.metadata takes a tenth of the start-up,
    # and the console entry point (console.py) must get to its Ctrl-C handler first.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version
        try:
            value = version("nodkit")
        except PackageNotFoundError:  # running from a source tree without installing
            value = "0.0.0"
        globals()["__version__"] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
