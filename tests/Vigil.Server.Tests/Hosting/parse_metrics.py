"""Parses Prometheus text exposition from stdin with prometheus_client's own parser (Debian's
python3-prometheus-client) and prints every sample as one JSON line: {"family", "type", "name",
"labels", "value"}. Exits 1 with the parser's message when the text does not parse."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

try:
    families = list(text_string_to_metric_families(sys.stdin.read()))
except Exception as error:  # the parser raises ValueError (and others) on bad input
    print(f"unparsable exposition: {error!r}", file=sys.stderr)
    sys.exit(1)

for family in families:
    for sample in family.samples:
        print(json.dumps({"family": family.name, "type": family.type, "name": sample.name,
                          "labels": sample.labels, "value": sample.value}))
