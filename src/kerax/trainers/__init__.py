"""Training: ``Trainer``, the base of ``kerax.Model`` (compile, fit, evaluate, predict); its modules are private."""

__all__: list[str] = []


def __dir__() -> list[str]:
    """The public names: not the modules and helpers the namespace is built from."""
    return list(__all__)
