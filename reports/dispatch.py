"""Hand-off from the services that change sightings to the rules that check them.

Services call :func:`sighting_rules_enqueue` inside their transaction; the rules run after the
transaction commits. (The rules helper gives this its durable outbox implementation.)
"""


def sighting_rules_enqueue(*, sighting_id: int) -> None:
    """Make sure the sighting rules run for this sighting once the current transaction commits."""
