"""Terraform checks without a provider registry (make test-ops): every .tf file of a directory
parses (python-hcl2), every variable has a description and a type and is used somewhere, every
output has a description, no variable default looks like a secret, and every `var.NAME` used is
declared. Exit 1 with one line per problem.

    var/tools/ops/bin/python ops/tools/check_terraform.py ops/terraform
"""

import re
import sys
from pathlib import Path

import hcl2

SECRET_NAMES = re.compile(r"(password|secret|token|private_key|access_key)", re.IGNORECASE)
VAR_USE = re.compile(r"\bvar\.([A-Za-z_][A-Za-z0-9_-]*)")


def check(directory: Path) -> list[str]:
    """Return the problems found in the Terraform files of `directory` (empty when clean)."""
    problems: list[str] = []
    files = sorted(directory.glob("*.tf"))
    if not files:
        return [f"{directory}: no .tf files"]
    variables: dict[str, dict] = {}
    outputs: dict[str, dict] = {}
    sources: dict[Path, str] = {}
    for path in files:
        text = path.read_text()
        sources[path] = text
        try:
            with path.open() as handle:
                parsed = hcl2.load(handle)
        except Exception as exc:  # the parser raises several unrelated types (lark errors)
            problems.append(f"{path}: does not parse: {exc}")
            continue
        for block in parsed.get("variable", []):
            for name, body in block.items():
                variables[name.strip('"')] = {"body": body, "file": path}
        for block in parsed.get("output", []):
            for name, body in block.items():
                outputs[name.strip('"')] = {"body": body, "file": path}
    used: set[str] = set()
    for text in sources.values():
        used.update(VAR_USE.findall(text))
    for name, variable in sorted(variables.items()):
        body, where = variable["body"], variable["file"]
        if not str(body.get("description", "")).strip():
            problems.append(f"{where}: variable {name} has no description")
        if "type" not in body:
            problems.append(f"{where}: variable {name} has no type")
        if name not in used:
            problems.append(f"{where}: variable {name} is declared but never used")
        if SECRET_NAMES.search(name) and body.get("default") not in (None, "", [], {}):
            problems.append(f"{where}: variable {name} looks secret but has a default")
    for name in sorted(used - set(variables)):
        problems.append(f"{directory}: var.{name} is used but not declared")
    for name, output in sorted(outputs.items()):
        if not str(output["body"].get("description", "")).strip():
            problems.append(f"{output['file']}: output {name} has no description")
    return problems


def main(argv: list[str]) -> int:
    directory = Path(argv[1] if len(argv) > 1 else "ops/terraform")
    problems = check(directory)
    for problem in problems:
        print(problem)
    count = len(list(directory.glob("*.tf")))
    print(f"terraform: {count} files, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
