"""Live events: stored RunEvent rows carried to WebSocket clients.

- groups.py names the channel-layer groups.
- publish.py is called by whoever writes events (a worker, the web process).
- pump.py feeds the in-memory channel layer from stored events in the
  embedded mode, where workers cannot reach the web process's memory.
"""
