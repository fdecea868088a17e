"""Development and benchmark data: the demo of ``make run`` (``manage.py seed_demo``) and the
synthetic national dataset (``manage.py generate_dataset``, bench/). Kept out of the production
apps; it writes through their models and services and nothing in them imports it."""
