"""`reesx report` rendered by a real browser (Debian's headless Chromium): the ctest test
`report.browser`. For a costed case, a plant file, a design file and an optimize result (its
Pareto fronts and robust optimum) it writes the report with the program, opens it in
Chromium, and checks that

- the page logs nothing on the console and throws no error,
- it loads no resource (the file is self-contained: mailed alone, it shows everything),
- every figure has drawn content: SVG shapes with a non-empty box in the rendered layout,
- the figures expected of that kind of file are all there;

and keeps a screenshot of each report (ARTEFACTS/NAME.png) beside the report itself.

    report_in_browser.py REESX_BINARY SOURCE_DIR ARTEFACTS

Exit 77 (ctest: skipped) when Chromium is not installed (1 when REESX_REQUIRE_BROWSER is set,
as in CI); 0 passed, 1 failed.
"""

import html
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

SKIP = 77

# Measures the rendered page once it has loaded, and writes the result into the DOM, where
# `chromium --dump-dom` prints it. Console calls and uncaught errors are recorded first.
CHECK_SCRIPT = """<script>
window.reesxErrors = [];
window.addEventListener("error", e => window.reesxErrors.push("error: " + e.message));
for (const level of ["error", "warn", "log", "info"]) {
  const original = console[level];
  console[level] = (...args) => { window.reesxErrors.push(level + ": " + args.join(" ")); original(...args); };
}
window.addEventListener("load", () => {
  const shapes = "path,polyline,polygon,line,rect,ellipse,circle,use,text";
  const figures = [...document.querySelectorAll("figure.figure")].map(f => {
    const svg = f.querySelector("svg");
    const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
    const drawn = svg ? [...svg.querySelectorAll(shapes)].filter(s => {
      const b = s.getBoundingClientRect();
      return b.width > 0 || b.height > 0;
    }).length : 0;
    return {name: f.dataset.figure, width: box.width, height: box.height, drawn: drawn,
            paths: svg ? svg.querySelectorAll("path").length : 0};
  });
  const resources = performance.getEntriesByType("resource").map(r => r.name);
  const out = document.createElement("pre");
  out.id = "reesx-check";
  out.textContent = JSON.stringify({figures, resources, errors: window.reesxErrors,
                                    tables: document.querySelectorAll("table").length});
  document.body.appendChild(out);
});
</script>"""

# The figures each kind of report must have (data-figure names).
EXPECTED = {
    "case-cost": {"profiles", "recovery", "reagents", "costs"},
    "plant": {"plant", "profiles-c1", "profiles-c2", "recovery", "reagents"},
    "design": {"tradeoff", "profiles", "recovery", "reagents"},
    "optimize": {"countries", "front-purity", "front-recovery", "front-capital_operating"},
}

DESIGN_FILE = """name: Pr/Nd design for the report test
system: p507-hcl
feed: "Pr:0.25,Nd:0.75"
split: Pr/Nd
purity: 0.999
feed-rate: 100 kg/h REO
"""


def chromium():
    for name in (os.environ.get("REESX_CHROMIUM", ""), "chromium", "chromium-browser"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def browser(exe, profile, *args):
    """Headless Chromium (no sandbox: tests may run as root; no GPU on a test machine), with a
    profile folder of its own so that several run at once."""
    command = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
               f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def check(name, exe, page, artefacts):
    problems = []
    text = page.read_text()
    checked = artefacts / f"{name}.checked.html"
    checked.write_text(text.replace("<head>", "<head>" + CHECK_SCRIPT, 1))
    with ThreadPoolExecutor(2) as pool:  # the screenshot meanwhile
        shot = artefacts / f"{name}.png"
        screenshot = pool.submit(browser, exe, artefacts / f"profile-{name}-shot",
                                 f"--screenshot={shot}", "--window-size=1280,6000", page.as_uri())
        done = browser(exe, artefacts / f"profile-{name}", "--dump-dom", checked.as_uri())
        shot_done = screenshot.result()
    found = re.search(r'<pre id="reesx-check">(.*?)</pre>', done.stdout, re.S)
    if done.returncode != 0 or not found:
        return [f"{name}: chromium gave no result (exit {done.returncode}): {done.stderr[-2000:]}"]
    result = json.loads(html.unescape(found.group(1)))
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    problems += [f"{name}: console: {line}" for line in console]
    problems += [f"{name}: {e}" for e in result["errors"]]
    problems += [f"{name}: loads a resource: {r}" for r in result["resources"]]
    names = [f["name"] for f in result["figures"]]
    missing = EXPECTED[name] - set(names)
    if missing:
        problems.append(f"{name}: figures missing: {sorted(missing)} (has {names})")
    for f in result["figures"]:
        # Axes, ticks, labels and data: a figure with drawn content has dozens of shapes.
        if f["width"] < 100 or f["height"] < 100 or f["drawn"] < 10 or f["paths"] < 3:
            problems.append(f"{name}: figure {f['name']} has no drawn content: {f}")
    if result["tables"] < 3:
        problems.append(f"{name}: only {result['tables']} tables")
    if shot_done.returncode != 0 or not shot.exists() or shot.stat().st_size < 10000:
        problems.append(
            f"{name}: no screenshot (exit {shot_done.returncode}): {shot_done.stderr[-1000:]}"
        )
    print(f"{name}: {len(names)} figures, drawn shapes {[f['drawn'] for f in result['figures']]}, "
          f"{result['tables']} tables; screenshot {shot}")
    return problems


def main(reesx, source, artefacts):
    exe = chromium()
    if exe is None:
        if os.environ.get("REESX_REQUIRE_BROWSER"):  # CI installs it: a skip would hide a gap
            print("FAIL: chromium is not installed and REESX_REQUIRE_BROWSER is set")
            return 1
        print("SKIP: chromium is not installed (tools/install-deps.sh installs it)")
        return SKIP
    source, artefacts = pathlib.Path(source).resolve(), pathlib.Path(artefacts).resolve()
    artefacts.mkdir(parents=True, exist_ok=True)
    design = artefacts / "design.yaml"
    design.write_text(DESIGN_FILE)
    # The optimize result, as a user writes it: every front and the robust optimum (few points
    # and samples: the report is tested, not the optimizer).
    optimized = artefacts / "optimize.json"
    optimized.unlink(missing_ok=True)
    done = subprocess.run(
        [reesx, "optimize", str(design), "--countries", "CN-NM,US", "-q", "--pareto",
         "0.99,0.999", "--pareto-recovery", "0.9,0.95", "--pareto-capital", "8", "--robust",
         "2", "--robust-radius", "1", "--json", str(optimized)],
        capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0:
        print(f"FAIL: reesx optimize failed (exit {done.returncode}): {done.stderr}")
        return 1
    inputs = {
        "case-cost": source / "examples" / "prnd-p507-cost.yaml",
        "plant": source / "examples" / "plant-la-ce-pr-linked.yaml",
        "design": design,
        "optimize": optimized,
    }
    # The reports are written by the program, as a user runs it, two at a time.
    running = {}
    for name, path in inputs.items():
        page = artefacts / f"{name}.html"
        page.unlink(missing_ok=True)
        running[name] = (page, subprocess.Popen([reesx, "report", str(path), "-o", str(page)],
                                                stderr=subprocess.PIPE, text=True))
    problems = []
    for name, (page, process) in running.items():
        _, err = process.communicate(timeout=300)
        if process.returncode != 0 or not page.exists():
            problems.append(f"{name}: reesx report failed (exit {process.returncode}): {err}")
    with ThreadPoolExecutor(len(running)) as pool:
        checks = [pool.submit(check, name, exe, page, artefacts)
                  for name, (page, _) in running.items() if page.exists()]
        for c in checks:
            problems += c.result()
    for p in problems:
        print("FAIL:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
