"""The desktop review app (PySide6). Every action goes through the engine's API; nothing here
computes a finding, a point or a payment."""
