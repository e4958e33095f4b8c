"""Building blocks of the guard's image check; the public surface is `rapport.guard.images`."""
