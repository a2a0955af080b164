"""Medians, the Markdown table with ratios, and the matplotlib plots."""

import os
import shutil
import statistics

TARGETS = ["trellis-1r", "trellis-2r", "trellis-1r-archive", "prosody", "ejabberd"]
PEERS = ["prosody", "ejabberd"]


def runs_of(runs, target, scenario, where=None):
    return [r for r in runs if r.get("target") == target and r.get("scenario") == scenario and "error" not in r
            and (where is None or where(r))]


def dig(run, path):
    value = run
    for key in path.split("."):
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def cpu_per_message_us(run):
    """Server CPU per delivered message, µs: every server process of the target, the whole window."""
    cpu, rate = dig(run, "usage.server_cpu_percent"), run.get("delivered_per_second")
    return cpu * 1e4 / rate if isinstance(cpu, (int, float)) and rate else None


def median_of(runs, target, scenario, path, where=None):
    pick = path if callable(path) else (lambda r: dig(r, path))
    values = [pick(r) for r in runs_of(runs, target, scenario, where)]
    values = [v for v in values if isinstance(v, (int, float))]
    return statistics.median(values) if values else None


def rows(document):
    """(label, higher_is_better, target_rule, {target: median}, unit) for the table."""
    runs, rates = document["runs"], document["fixed_rates"]
    # A run without the fixed-rate phase (--scenarios without "rates") has no half rate.
    if not rates:
        half = None
    else:
        half = rates[document["plan"]["rates"].index(0.5)] if 0.5 in document["plan"]["rates"] else rates[0]
    saturated = lambda r: r.get("mode") == "saturation"  # noqa: E731
    at_half = lambda r: r.get("mode") == "rate" and r.get("offered_per_second") == half  # noqa: E731
    spec = [
        ("logins/s (SCRAM-SHA-1, no TLS)", "login", "logins_per_second", None, True, "≥ 1× better peer", 1.0),
        ("delivered messages/s at saturation", "messages", "delivered_per_second", saturated, True,
         "≥ 1.5× better peer", 1.5),
        (f"p99 latency at {half} msg/s (½ slower peer's saturation), ms", "messages", "latency.p99_ms", at_half,
         False, "≤ better peer", 1.0),
        (f"p50 latency at {half} msg/s, ms", "messages", "latency.p50_ms", at_half, False, None, None),
        ("p99 latency at saturation, ms", "messages", "latency.p99_ms", saturated, False, None, None),
        ("presence deliveries/s (50 contacts)", "presence", "deliveries_per_second", None, True, None, None),
        ("presence p99 latency, ms", "presence", "latency.p99_ms", None, False, None, None),
        ("server RSS per idle connection, KiB", "idle", "rss_bytes_per_connection", None, False,
         "≤ better peer", 1.0),
        ("generator CPU at saturation, % of one core", "messages", "usage.generator_cpu_percent", saturated, False,
         None, None),
        ("server CPU at saturation, % of one core", "messages", "usage.server_cpu_percent", saturated, False,
         None, None),
        ("server CPU per delivered message at saturation, µs", "messages", cpu_per_message_us, saturated, False,
         None, None),
        (f"server CPU per delivered message at {half} msg/s, µs", "messages", cpu_per_message_us, at_half, False,
         None, None),
    ]
    out = []
    for label, scenario, path, where, higher, rule, factor in spec:
        values = {t: median_of(runs, t, scenario, path, where) for t in TARGETS}
        if path == "rss_bytes_per_connection":
            values = {t: (v / 1024 if v is not None else None) for t, v in values.items()}
        out.append((label, higher, rule, factor, values))
    return out


def integrity(document):
    """Lost and out-of-order messages over every messages run, per target."""
    totals = {}
    for run in document["runs"]:
        if run.get("scenario") == "messages" and "error" not in run:
            lost, disorder = totals.get(run["target"], (0, 0))
            totals[run["target"]] = (lost + run["lost"], disorder + run["out_of_order"])
    return totals


def fmt(value):
    if value is None:
        return "—"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"


def table(document):
    present = [t for t in TARGETS if any(r.get("target") == t for r in document["runs"])]
    trellis = [t for t in present if t.startswith("trellis")]
    header = "| metric | " + " | ".join(present) + " | better peer | " + " | ".join(
        f"{t} / better peer" for t in trellis) + " | target |"
    lines = [header, "|" + "---|" * (header.count("|") - 1)]
    for label, higher, rule, factor, values in rows(document):
        peers = [values[p] for p in PEERS if values.get(p) is not None]
        better = (max(peers) if higher else min(peers)) if peers else None
        cells = [fmt(values.get(t)) for t in present]
        ratios = []
        for t in trellis:
            if values.get(t) is None or not better:
                ratios.append("—")
                continue
            ratio = values[t] / better
            met = "" if factor is None else (" ✅" if (ratio >= factor if higher else ratio <= factor) else " ❌")
            ratios.append(f"{ratio:.2f}{met}")
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {fmt(better)} | " + " | ".join(ratios)
                     + f" | {rule or ''} |")
    totals = integrity(document)
    lines.append("")
    lines.append("Messages lost / out of order over every messages run: " + ", ".join(
        f"{t} {totals[t][0]} / {totals[t][1]}" for t in present if t in totals) + ".")
    return "\n".join(lines)


def plots(document, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs, rates = document["runs"], document["fixed_rates"]
    present = [t for t in TARGETS if any(r.get("target") == t for r in runs)]
    # A run without the fixed-rate phase (--scenarios without "rates") has no half rate.
    if not rates:
        half = None
    else:
        half = rates[document["plan"]["rates"].index(0.5)] if 0.5 in document["plan"]["rates"] else rates[0]
    percent = list(range(101))

    figure, axis = plt.subplots(figsize=(7, 4.5))
    for t in present:
        chosen = runs_of(runs, t, "messages", lambda r: r.get("mode") == "rate" and r.get("offered_per_second") == half)
        chosen = sorted(chosen, key=lambda r: dig(r, "latency.p99_ms") or 0)
        if chosen and dig(chosen[len(chosen) // 2], "latency.cdf_ms"):
            axis.plot(dig(chosen[len(chosen) // 2], "latency.cdf_ms"), percent, label=t)
    axis.set_xscale("log")
    axis.set_xlabel("end-to-end latency, ms (log)")
    axis.set_ylabel("percentile")
    axis.set_title(f"Message latency CDF at {half} msg/s offered")
    axis.grid(True, which="both", alpha=0.3)
    axis.legend()
    figure.tight_layout()
    figure.savefig(os.path.join(out, "latency-cdf.png"), dpi=110)

    figure, axis = plt.subplots(figsize=(7, 4.5))
    for t in present:
        points = []
        for rate in rates:
            delivered = median_of(runs, t, "messages", "delivered_per_second",
                                  lambda r, rate=rate: r.get("mode") == "rate" and r.get("offered_per_second") == rate)
            if delivered is not None:
                points.append((rate, delivered))
        saturation = median_of(runs, t, "messages", "delivered_per_second", lambda r: r.get("mode") == "saturation")
        line, = axis.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=t)
        if saturation:
            axis.axhline(saturation, color=line.get_color(), linestyle="--", alpha=0.6)
    axis.set_xlabel("offered messages/s")
    axis.set_ylabel("delivered messages/s")
    axis.set_title("Throughput vs offered load (dashed: saturation, closed loop)")
    axis.grid(True, alpha=0.3)
    axis.legend()
    figure.tight_layout()
    figure.savefig(os.path.join(out, "throughput.png"), dpi=110)

    figure, axis = plt.subplots(figsize=(7, 4.5))
    for t in present:
        idle = runs_of(runs, t, "idle")
        if idle:
            points = idle[len(idle) // 2]["points"]
            axis.plot([p["connections"] for p in points], [p["rss_kib"] / 1024 for p in points], marker="o", label=t)
    axis.set_xlabel("idle connections")
    axis.set_ylabel("server RSS, MiB (all server processes)")
    axis.set_title("Memory vs idle connections")
    axis.grid(True, alpha=0.3)
    axis.legend()
    figure.tight_layout()
    figure.savefig(os.path.join(out, "rss.png"), dpi=110)
    plt.close("all")


def write(document, out):
    text = table(document)
    machine = document["machine"]
    placement = "\n".join(f"- {t}: " + ", ".join(f"{role} (pid {p['pid']}, CPUs {p['cpus']})" for role, p in roles.items())
                          for t, roles in document["placement"].items() if roles)
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write(f"# Results {document['date']}\n\n{machine['cores']} cores ({machine['cpu']}), "
                f"{machine['memory_mib']} MiB, {machine['os']}, kernel {machine['kernel']}; "
                f"medians of {document['plan']['repeat']} repetitions.\n\n{text}\n\n"
                f"Process placement (no pinning; the generator ran on CPUs {machine['generator_cpus']}):\n{placement}\n")
    plots(document, out)
    return text


def copy_to_docs(out, docs):
    os.makedirs(docs, exist_ok=True)
    for name in ("results.md", "latency-cdf.png", "throughput.png", "rss.png", "results.json"):
        shutil.copy(os.path.join(out, name), os.path.join(docs, name))
