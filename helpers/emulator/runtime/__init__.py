"""What happens around requests as time runs: status callbacks sent out, chaos injected.

- `callbacks.py`: signed status-callback delivery, retries with backoff, every attempt logged.
- `chaos.py`: added latency and seeded 429/500/timeout injection.
"""
