"""Configs and the names they may use: the registry and Keras 3's config schema, below every package.

``_registry`` holds the classes and functions a config may name (kerax's own, which each package registers
when it is imported, and the user's); ``_serialize`` turns objects into configs and back. Both import
nothing from kerax, so layers, optimizers and the rest can (de)serialize what they hold; the file formats
that use them are ``kerax.saving``.
"""
