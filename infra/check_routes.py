"""Checks that infra/template.yaml routes exactly the API the code has, and deploys
exactly the Lambda binaries the code builds.

Usage: check_routes.py OPENAPI_JSON TEMPLATE_YAML BINARIES

BINARIES is the comma-separated list `cargo xtask dist` zips (`pec-api,pec-outbox,…`):
each function's CodeUri must be one of those zips, and every zip must be deployed. The
functions running `pec-api` are given neither an S3 policy nor the contracts bucket.

Every operation of the code's OpenAPI document (from `pec-local --openapi`) must be an
HttpApi event of the function of its area (the operation's tag: `ordine` ->
OrdineFunction) that runs its binary (the operation's `x-lambda`): an area's documents
run `pec-documents`, on the area's documents function (OrdineDocumentsFunction), the
rest `pec-api`. Only the public areas (`catalogo`; `richieste`, the requests of
people without an account; `pagamenti` and `gestore`, the payment and the mail providers'
events, which a signature authenticates) may skip the JWT authorizer. No
template route may be missing from the code. The `accesso` area (the local accounts'
login) exists only in the local server: on AWS, Cognito's hosted login replaces it.
"""

import json
import sys

from cfnlint.decode import decode_str

LOCAL_ONLY = {"accesso"}
PUBLIC = {"catalogo", "pagamenti", "richieste", "gestore"}


DOCUMENTS = "pec-documents"


def touches_bucket(properties):
    """Whether a function is given the contracts bucket: an S3 policy, or its name."""
    policies = properties.get("Policies", [])
    s3 = any(isinstance(p, dict) and any(k.startswith("S3") for k in p) for p in policies)
    variables = properties.get("Environment", {}).get("Variables", {})
    return s3 or "PEC_CONTRACTS_BUCKET" in variables


def code_uris(template, binaries):
    """Problems with the functions' CodeUri against the built binaries, and each
    function's binary."""
    problems = []
    deployed = {}
    for name, resource in template["Resources"].items():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        uri = resource["Properties"].get("CodeUri", "")
        parts = uri.split("/")
        if len(parts) != 5 or parts[:3] != ["..", "target", "lambda"] or parts[4] != "bootstrap.zip":
            problems.append(f"{name}: CodeUri {uri} is not ../target/lambda/<bin>/bootstrap.zip")
            continue
        binary = parts[3]
        deployed[name] = binary
        if binary not in binaries:
            problems.append(f"{name}: {binary} is not a binary cargo xtask dist builds")
        if binary == "pec-api" and touches_bucket(resource["Properties"]):
            problems.append(f"{name}: runs pec-api but may use the contracts bucket")
    for binary in sorted(set(binaries) - set(deployed.values())):
        problems.append(f"{binary}: built but deployed by no function")
    return problems, deployed


def main(openapi_path, template_path, binaries):
    spec = json.load(open(openapi_path, encoding="utf-8"))
    with open(template_path, encoding="utf-8") as f:
        template, errors = decode_str(f.read())
    if errors:
        sys.exit(f"{template_path}: {errors}")

    code = {}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            tag = operation["tags"][0]
            if tag not in LOCAL_ONLY:
                binary = operation.get("x-lambda")
                if binary is None:
                    sys.exit(f"{method.upper()} {path}: the document names no x-lambda")
                code[(method.lower(), path)] = (tag, binary)

    routed = {}
    for name, resource in template["Resources"].items():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        for event in resource["Properties"].get("Events", {}).values():
            if event.get("Type") != "HttpApi":
                continue
            props = event["Properties"]
            key = (props["Method"].lower(), props["Path"])
            public = props.get("Auth", {}).get("Authorizer") == "NONE"
            if key in routed:
                sys.exit(f"{key} is routed twice")
            routed[key] = (name, public)

    problems, deployed = code_uris(template, binaries.split(","))
    for key, (tag, binary) in sorted(code.items()):
        area = tag.capitalize() + ("Documents" if binary == DOCUMENTS else "")
        function = area + "Function"
        if key not in routed:
            problems.append(f"{key[0].upper()} {key[1]}: in the code, not in the template")
            continue
        name, public = routed[key]
        if name != function:
            problems.append(f"{key[0].upper()} {key[1]}: on {name}, should be on {function}")
        if deployed.get(name) != binary:
            problems.append(f"{key[0].upper()} {key[1]}: {name} runs {deployed.get(name)}, not {binary}")
        if public != (tag in PUBLIC):
            want = "without" if tag in PUBLIC else "with"
            problems.append(f"{key[0].upper()} {key[1]}: should be {want} the JWT authorizer")
    for key in sorted(set(routed) - set(code)):
        problems.append(f"{key[0].upper()} {key[1]}: in the template, not in the code")
    if problems:
        sys.exit("template and code disagree:\n  " + "\n  ".join(problems))
    print(f"template routes match the code: {len(code)} operations, {binaries}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
