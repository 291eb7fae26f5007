# Operations tests: Prometheus's own Python client parses the /metrics output (its text-format
# parser, not ours: python3-prometheus-client from Debian).
need_packages python3-prometheus-client || return 1
# Install scripts (InstallScriptTests): shellcheck over deploy/*.sh, and systemd-analyze verify on
# the units they install.
need_packages shellcheck systemd || return 1
