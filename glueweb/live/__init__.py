"""Live events: stored RunEvent rows carried to WebSocket clients.

- groups.py names the channel-layer groups.
- publish.py is called by whoever writes events (a worker, the web process).
- pump.py reads stored events for the hub in the embedded mode, where
  workers cannot reach the web process's memory.
- hub.py hands each event to every WebSocket of the web process that
  watches it, in one pass (joining the Redis groups once per process).
"""
