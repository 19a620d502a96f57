"""Analytics beside the rules (analytics.md): the robust peer test, peer comparison inside DIP
groups (TJ), the anomaly ranking, the institution appraisal and the fund monitor.

Qt-free; the CLI and the desktop call these modules the same way."""
