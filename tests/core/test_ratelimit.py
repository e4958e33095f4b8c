from __future__ import annotations

from rapport.core.ratelimit import SlidingWindowLimiter


def test_it_blocks_a_key_after_the_limit_and_only_that_key() -> None:
    limiter = SlidingWindowLimiter(limit=3, window_seconds=60)
    for _ in range(3):
        assert not limiter.blocked("10.0.0.1")
        limiter.hit("10.0.0.1")
    assert limiter.blocked("10.0.0.1")
    assert not limiter.blocked("10.0.0.2")


def test_old_attempts_leave_the_window() -> None:
    limiter = SlidingWindowLimiter(limit=1, window_seconds=0.0)
    limiter.hit("a")
    assert not limiter.blocked("a")
