"""kerax's version, in a module of its own so that any package can read it (``kerax.__version__``)."""

__version__ = "0.1.0"
