"""The terminal user interface: the interactive interview session screen."""
