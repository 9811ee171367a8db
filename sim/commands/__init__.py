"""Sub-commands of ``ceasefire-sim``: one module each, ``register(sub)`` + ``main(args)``."""
