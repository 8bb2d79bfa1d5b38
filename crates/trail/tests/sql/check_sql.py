#!/usr/bin/env python3
"""Runs the SQL of `trustgate trail --emit-sql` on DuckDB over a CloudTrail table built from
log files, and checks that `trustgate trail --results` on its result gives the same callers,
relationships and findings as `trustgate trail --logs` on the same files.

Athena and Trino cannot run offline; DuckDB can, after translation of the Trino dialect with
sqlglot, plus three substitutions made here (DuckDB has no IPADDRESS type nor ip_prefix
without an extension, writes regexp back-references as \\1, and has no TRY()): a Python
function computes the network exactly as the Trino expression documents it. What this checks
is everything else: caller normalization, sides, counts, dates, caps, bursts, the column
layout and the CSV round trip.

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install duckdb sqlglot
    cargo build -p trustgate
    /tmp/venv/bin/python crates/trail/tests/sql/check_sql.py examples/org examples/trail
"""
import gzip
import ipaddress
import json
import os
import re
import subprocess
import sys
import tempfile

import duckdb
import sqlglot

snapshot, logs = sys.argv[1], sys.argv[2]
tg = os.environ.get("TRUSTGATE", "target/debug/trustgate")


def records(path):
    for root, _, files in os.walk(path):
        for name in sorted(files):
            p = os.path.join(root, name)
            data = open(p, "rb").read()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            doc = json.loads(data)
            yield from doc["Records"]


def js(v):
    return None if v is None else json.dumps(v)


con = duckdb.connect()
con.execute("""CREATE TABLE cloudtrail_logs (
  eventtime VARCHAR, eventsource VARCHAR, eventname VARCHAR, awsregion VARCHAR,
  sourceipaddress VARCHAR, useragent VARCHAR, errorcode VARCHAR,
  requestparameters VARCHAR, responseelements VARCHAR, additionaleventdata VARCHAR,
  recipientaccountid VARCHAR, vpcendpointid VARCHAR,
  useridentity STRUCT(type VARCHAR, principalid VARCHAR, arn VARCHAR, accountid VARCHAR,
    invokedby VARCHAR, sessioncontext STRUCT(sessionissuer STRUCT(arn VARCHAR))))""")
rows = []
for r in records(logs):
    u = r.get("userIdentity") or {}
    issuer = ((u.get("sessionContext") or {}).get("sessionIssuer") or {}).get("arn")
    rows.append((r.get("eventTime"), r.get("eventSource"), r.get("eventName"), r.get("awsRegion"),
                 r.get("sourceIPAddress"), r.get("userAgent"), r.get("errorCode"),
                 js(r.get("requestParameters")), js(r.get("responseElements")),
                 js(r.get("additionalEventData")), r.get("recipientAccountId"), r.get("vpcEndpointId"),
                 {"type": u.get("type"), "principalid": u.get("principalId"), "arn": u.get("arn"),
                  "accountid": u.get("accountId"), "invokedby": u.get("invokedBy"),
                  "sessioncontext": {"sessionissuer": {"arn": issuer}}}))
con.executemany("INSERT INTO cloudtrail_logs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def ip_net(s):
    try:
        ip = ipaddress.ip_address(s)
    except (TypeError, ValueError):
        return None
    return str(ipaddress.ip_network(f"{s}/{24 if ip.version == 4 else 48}", strict=False))


con.execute("SET TimeZone = 'UTC'")
# Trino's to_iso8601 of a UTC timestamp, to the second (the generator writes whole seconds).
con.execute("CREATE MACRO to_iso8601(t) AS strftime(t, '%Y-%m-%dT%H:%M:%SZ')")
con.create_function("ip_net", ip_net, ["VARCHAR"], "VARCHAR", null_handling="special")

sql = subprocess.run([tg, "trail", "--emit-sql"], capture_output=True, text=True, check=True).stdout
network = ("CAST(ip_prefix(TRY_CAST(source_ip AS IPADDRESS),\n"
           "      IF(strpos(COALESCE(source_ip, ''), ':') > 0, 48, 24)) AS VARCHAR)")
assert network in sql, "the network expression changed: update this script"
sql = sql.replace(network, "ip_net(source_ip)")
duck = sqlglot.transpile(sql, read="trino", write="duckdb")[0]
duck = duck.replace("'arn:$1:iam::$2:role/$3'", "'arn:\\1:iam::\\2:role/\\3'")
# TRY(x) in Trino turns errors into NULL; here the only TRY()s are on well-formed data.
duck = re.sub(r"\bTRY\(", "(", duck)
result = con.execute(duck)
columns = [d[0] for d in result.description]
out = tempfile.mkdtemp()
csv_path = os.path.join(out, "result.csv")
import csv
with open(csv_path, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(columns)
    for row in result.fetchall():
        w.writerow(["" if v is None else (v.isoformat().replace("+00:00", "Z") if hasattr(v, "isoformat") else v)
                    for v in row])
print(f"{sum(1 for _ in open(csv_path)) - 1} result rows from {len(rows)} records")

common = ["--format", "json", "--now", "2026-11-01"]
a = json.loads(subprocess.run([tg, "trail", snapshot, "--logs", logs, *common], capture_output=True, text=True, check=True).stdout)
b = json.loads(subprocess.run([tg, "trail", snapshot, "--results", csv_path, *common], capture_output=True, text=True, check=True).stdout)
ok = True
for key in ["callers", "relationships", "findings"]:
    if a[key] != b[key]:
        ok = False
        print(f"DIFFERENT: {key}")
        for x, y in zip(a[key], b[key]):
            if x != y:
                print(" logs:   ", json.dumps(x)[:600])
                print(" results:", json.dumps(y)[:600])
                break
        print(f" ({len(a[key])} vs {len(b[key])} entries)")
print("same callers, relationships and findings" if ok else "MISMATCH")
sys.exit(0 if ok else 1)
