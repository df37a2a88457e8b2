#!/usr/bin/python3
"""Independent reference for stage ids, written from osbuild's id rules (docs/architecture.md, "Ids") with Python's own
json module (the serializer osbuild hashes): prints {"tree_id", "output_id", "build": {...}} for a
manifest, recursively. The integration tests compare `osbuild --inspect` with it."""
import hashlib, json, sys

def truthy_options(value):
    return value if value else {}

def stage_id(name, build, base, options):
    text = json.dumps(name, sort_keys=True) + json.dumps(build, sort_keys=True) \
        + json.dumps(base, sort_keys=True) + json.dumps(options, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

def pipeline_ids(pipeline):
    result = {}
    build = pipeline.get("build") or {}
    build_pipeline = build.get("pipeline") or None
    build_id = None
    if build_pipeline:
        inner = pipeline_ids(build_pipeline)
        result["build"] = inner
        build_id = inner.get("tree_id")
    base = None
    stages = []
    for stage in pipeline.get("stages") or []:
        base = stage_id(stage["name"], build_id, base, truthy_options(stage.get("options")))
        stages.append(base)
    result["stages"] = stages
    if stages:
        result["tree_id"] = stages[-1]
    assembler = pipeline.get("assembler")
    if assembler:
        result["output_id"] = stage_id(assembler["name"], build_id, base, truthy_options(assembler.get("options")))
    return result

with open(sys.argv[1], encoding="utf-8") as f:
    document = json.load(f)
if "pipeline" in document:
    document = document["pipeline"]
print(json.dumps(pipeline_ids(document), sort_keys=True))
