"""The summary scripts/compose-smoke prints and commits: when and where it ran,
the images and their sizes, the time until every service was healthy, and each
check with its outcome and what it printed."""

import platform
import subprocess
import xml.etree.ElementTree as ET


def version(*command):
    try:
        return subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=30).stdout.strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "?"


def image_sizes(images):
    """{image: size in MB} as Podman counts it (uncompressed layers)."""
    sizes = {}
    for image in images:
        result = subprocess.run(["podman", "image", "inspect", "--format", "{{.Size}}", image],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, timeout=30)
        sizes[image] = f"{int(result.stdout.strip()) / 1e6:.0f} MB" if result.returncode == 0 else "missing"
    return sizes


def checks(junit_path):
    """[(name, outcome, seconds, printed lines)] from pytest's JUnit XML."""
    try:
        suite = ET.parse(junit_path).getroot()
    except (OSError, ET.ParseError):
        return []
    found = []
    for case in suite.iter("testcase"):
        outcome = "passed"
        for tag in ("failure", "error", "skipped"):
            if case.find(tag) is not None:
                outcome = {"failure": "FAILED", "error": "ERROR", "skipped": "skipped"}[tag]
        out = case.find("system-out")
        printed = [line.strip() for line in (out.text if out is not None and out.text else "").splitlines()
                   if line.strip() and not line.startswith("---")]
        found.append((f"{case.get('classname', '').rsplit('.', 1)[-1]}::{case.get('name')}", outcome,
                      float(case.get("time", "0")), printed))
    return found


def render(facts):
    """Markdown for docs/compose-smoke-result.md (and the terminal)."""
    results = facts["checks"]
    passed = sum(1 for _, outcome, _, _ in results if outcome == "passed")
    lines = [
        "# Last `scripts/compose-smoke` run",
        "",
        "Written by `scripts/compose-smoke` at the end of its run; see [compose.md](compose.md).",
        "",
        f"- date: {facts['date']}",
        f"- result: **{facts['result']}**",
        f"- host: {facts['host']}, {platform.release()}, {facts['cores']} cores",
        f"- {version('podman', '--version')}, runc {version('runc', '--version').split()[-1]}, "
        f"{facts['podman_compose']}",
        f"- services: {facts['services']}",
        f"- time to healthy: {facts['time_to_healthy']} (from `podman-compose up` to every service healthy, "
        "tls-init done; images already built)",
        f"- DNS prompt: {facts['dns_prompt']} (from `up` until `redis` resolves within 1 s in the storage container; "
        "aardvark-dns can lag behind the services, docs/compose.md)",
        f"- image build: {facts['build_seconds']:.0f} s this run (cached layers count as built)",
        f"- whole run: {facts['total_seconds']:.0f} s",
        "",
        "| image | size |",
        "| --- | --- |",
        *(f"| `{image}` | {size} |" for image, size in facts["images"].items()),
        "",
        f"Checks through the published loopback ports: {passed} passed, {len(results) - passed} failed",
        "",
        "| check | result | seconds |",
        "| --- | --- | --- |",
        *(f"| `{name}` | {outcome} | {seconds:.1f} |" for name, outcome, seconds, _ in results),
    ]
    notes = [line for _, _, _, printed in results for line in printed]
    if notes:
        lines += ["", "What the checks printed:", "", *(f"- {line}" for line in notes)]
    if facts.get("error"):
        lines += ["", "Failure:", "", "```", facts["error"].strip()[-3000:], "```"]
    return "\n".join(lines) + "\n"
