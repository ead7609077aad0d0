"""The Python equivalent of a remediation Lambda's cold start, for `npm run bench` (bench/cold-start.ts).

What a boto3 Lambda doing airlock's work would do at a cold start, step by step as the Node bundle:
import boto3; build the clients its init builds (DynamoDB for idempotency, S3 for the audit record,
the remediation's own service client); then one COMPLIANT event: the audit record sealed (SHA-256 of
its canonical JSON), logged as a JSON line and written with one PutObject to the same loopback
endpoint. Prints one JSON line: the phase's times from inside the process and its CPU time; after
the first event, handles AIRLOCK_BENCH_WARM_EVENTS more (10 by default) and prints their times.

usage: cold_start.py floor|load|first <service> <s3-endpoint> <bucket>
"""

import os
import resource
import sys
import time


def cpu_ms():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return (usage.ru_utime + usage.ru_stime) * 1000


def line(values):
    import json

    sys.stdout.write("\n" + json.dumps(values) + "\n")
    sys.stdout.flush()


def report(values):
    values["cpuMs"] = cpu_ms()
    line({"bench": values})


def handle_event(s3, bucket, region):
    """The COMPLIANT event's work: the record sealed, logged as a JSON line, written to S3."""
    import hashlib
    import json
    import uuid

    record = {
        "id": str(uuid.uuid4()),
        "outcome": "NOOP",
        "account": "111122223333",
        "region": region,
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    canonical = json.dumps(record, sort_keys=True, separators=(",", ":"))
    record["digest"] = hashlib.sha256(canonical.encode()).hexdigest()
    body = json.dumps(record)
    sys.stdout.write(body + "\n")
    s3.put_object(Bucket=bucket, Key="audit/" + record["id"] + ".json", Body=body.encode())


def main():
    phase, service, endpoint, bucket = sys.argv[1:5]
    if phase == "floor":
        report({})
        os._exit(0)
    t0 = time.perf_counter()
    import hashlib  # noqa: F401  (the event's imports, as a Lambda would have them at the top)
    import json  # noqa: F401
    import uuid  # noqa: F401

    import boto3

    t1 = time.perf_counter()
    region = os.environ.get("AWS_REGION", "eu-west-2")
    boto3.client("dynamodb", region_name=region)
    s3 = boto3.client("s3", region_name=region, endpoint_url=endpoint)
    if service != "s3":
        boto3.client(service, region_name=region)
    t2 = time.perf_counter()
    if phase == "load":
        report({"importMs": (t1 - t0) * 1000, "clientsMs": (t2 - t1) * 1000})
        os._exit(0)
    handle_event(s3, bucket, region)
    t3 = time.perf_counter()
    report({"importMs": (t1 - t0) * 1000, "clientsMs": (t2 - t1) * 1000, "firstMs": (t3 - t2) * 1000})
    warm = []
    for _ in range(int(os.environ.get("AIRLOCK_BENCH_WARM_EVENTS", "10"))):
        t = time.perf_counter()
        handle_event(s3, bucket, region)
        warm.append((time.perf_counter() - t) * 1000)
    line({"warm": warm})
    os._exit(0)

main()
