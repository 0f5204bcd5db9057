"""The demo: `manage.py seed_demo` loads the curated Hà Nội data into every app, in the order
their data depends on (communes → producers → products → batches → tourism sites → tours →
experiences). The one module that knows every app, so that `cms` knows none of them."""
