#!/usr/bin/env python3
"""Reads Home Assistant discovery configs the way Home Assistant does, for the e2e test.

Input (argv[1]): lines "config <topic-hex> <payload-hex>" (retained discovery messages) and
"state <topic-hex> <payload-hex>" (the last payload collectd's mqtt writer sent on a topic).
Checks each config (valid JSON, the keys Home Assistant requires) and renders its
value_template on the state payload of its state_topic with Jinja2 in a sandbox, as Home
Assistant does, with Home Assistant's `float` and `int` filters (which, unlike Jinja2's, fail
on input they cannot read instead of returning 0). Prints one line per rendered config:
"value <type>[-<instance>] <unit or -> <rendered>", and "error <text>" lines for every problem.
"""
import json
import sys

from jinja2.sandbox import ImmutableSandboxedEnvironment

_SENTINEL = object()


def ha_float(value, default=_SENTINEL):
    try:
        return float(value)
    except (ValueError, TypeError):
        if default is _SENTINEL:
            raise ValueError(f"float got invalid input {value!r}")
        return default


def ha_int(value, default=_SENTINEL, base=10):
    try:
        if isinstance(value, str):
            return int(value, base)
        return int(value)
    except (ValueError, TypeError):
        if default is _SENTINEL:
            raise ValueError(f"int got invalid input {value!r}")
        return default


env = ImmutableSandboxedEnvironment()
env.filters["float"] = ha_float
env.filters["int"] = ha_int

REQUIRED = ["name", "unique_id", "state_topic", "value_template", "device", "availability"]
errors = []
configs, states = {}, {}
with open(sys.argv[1], encoding="ascii") as f:
    for line in f:
        kind, topic, payload = (line.split() + ["", ""])[:3]
        topic = bytes.fromhex(topic).decode()
        data = bytes.fromhex(payload)
        if kind == "config":
            configs[topic] = data
        elif kind == "state":
            states[topic] = data

unique_ids = set()
for topic, data in sorted(configs.items()):
    if not data:
        continue  # a removed config
    try:
        c = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        errors.append(f"{topic}: not JSON: {e}")
        continue
    missing = [k for k in REQUIRED if k not in c]
    if missing:
        errors.append(f"{topic}: missing {missing}")
        continue
    component = topic.split("/")[1]
    if component not in ("sensor", "binary_sensor"):
        errors.append(f"{topic}: component {component}")
    if c["unique_id"] in unique_ids:
        errors.append(f"{topic}: unique_id {c['unique_id']} twice")
    unique_ids.add(c["unique_id"])
    d = c["device"]
    if not d.get("identifiers") or d.get("manufacturer") != "Intergas" or not d.get("name"):
        errors.append(f"{topic}: device {d}")
    if any("+" in a["topic"] or "#" in a["topic"] for a in c["availability"]):
        errors.append(f"{topic}: wildcard in an availability topic")
    if "+" in c["state_topic"] or "#" in c["state_topic"]:
        errors.append(f"{topic}: wildcard in the state topic")
    if c.get("device_class") == "gas" and (
        c.get("unit_of_measurement") != "m³" or c.get("state_class") != "total_increasing"
    ):
        errors.append(f"{topic}: a gas sensor the Energy dashboard would refuse")
    if c.get("device_class") == "enum" and not c.get("options"):
        errors.append(f"{topic}: enum without options")
    state = states.get(c["state_topic"])
    if state is None:
        continue
    try:
        value = state.decode("utf-8")
        rendered = env.from_string(c["value_template"]).render(value=value).strip()
    except Exception as e:  # noqa: BLE001 - every failure is a finding
        errors.append(f"{topic}: template on {state!r}: {e}")
        continue
    if component == "binary_sensor" and rendered not in (c["payload_on"], c["payload_off"]):
        errors.append(f"{topic}: binary sensor rendered {rendered!r}")
    if c.get("device_class") == "enum" and rendered not in c["options"]:
        errors.append(f"{topic}: enum rendered {rendered!r}, not an option")
    series = c["state_topic"].rsplit("/", 1)[1]  # <type>[-<instance>], without spaces
    print("value", series, c.get("unit_of_measurement", "-"), rendered)

for e in errors:
    print("error", e)
sys.exit(1 if errors else 0)
