/* The Web Worker that runs a lesson's tests under Pyodide (see grader/browser.py).
 *
 * Messages in:  {type: "run", lesson, files, tests, timeout}
 *               {type: "assemble", lesson, runs}
 * Messages out: {type: "ready"}, {type: "record", line} for each JSON record the
 *               grader's plugin writes, {type: "ran", code, output} (pytest's exit code
 *               and the end of what it printed), {type: "assembled", json},
 *               {type: "failed", message}.
 * The page terminates this worker when a test overruns, so nothing here needs a timer.
 */
"use strict";

const assets = new URL("../../learn/", self.location.href);  // site/assets/learn/
importScripts(new URL("pyodide/pyodide.js", assets).href);

const REPORT = "/dev/learn-records";
let output = [];  // what pytest prints, for a run whose tests could not be collected

async function start() {
  const pyodide = await loadPyodide({
    indexURL: new URL("pyodide/", assets).href,
    stdout: (line) => output.push(line),
    stderr: (line) => output.push(line),
  });
  const manifest = await (await fetch(new URL("course.json", assets))).json();
  await pyodide.loadPackage(
    manifest.wheels.map((name) => new URL(`wheels/${name}`, assets).href),
    { messageCallback: () => {} },
  );
  const archive = await (await fetch(new URL("course.zip", assets))).arrayBuffer();
  pyodide.unpackArchive(archive, "zip", { extractDir: "/course" });
  // The plugin's records go to a device whose writes are posted to the page line by
  // line, as they happen: the page must see a test start to time it.
  let pending = "";
  const decoder = new TextDecoder();
  const device = pyodide.FS.makedev(64, 0);
  pyodide.FS.registerDevice(device, {
    open() {},
    close() {},
    write(stream, buffer, offset, length) {
      pending += decoder.decode(buffer.subarray(offset, offset + length), { stream: true });
      let end;
      while ((end = pending.indexOf("\n")) !== -1) {
        self.postMessage({ type: "record", line: pending.slice(0, end) });
        pending = pending.slice(end + 1);
      }
      return length;
    },
  });
  pyodide.FS.mkdev(REPORT, device);
  pyodide.runPython("import sys; sys.path.insert(0, '/course'); import grader.browser");
  return pyodide;
}

const ready = start();
ready.then(
  () => self.postMessage({ type: "ready" }),
  (error) => self.postMessage({ type: "failed", message: String(error) }),
);

self.onmessage = async ({ data }) => {
  try {
    const pyodide = await ready;
    const browser = pyodide.pyimport("grader.browser");
    if (data.type === "run") {
      output = [];
      browser.write_files(pyodide.toPy(data.files));
      const tests = pyodide.toPy(data.tests);
      const code = browser.run(data.lesson, tests, data.timeout, REPORT);
      tests.destroy();
      self.postMessage({ type: "ran", code, output: output.slice(-200).join("\n") });
    } else if (data.type === "assemble") {
      const json = browser.assemble(data.lesson, JSON.stringify(data.runs));
      self.postMessage({ type: "assembled", json });
    }
    browser.destroy();
  } catch (error) {
    self.postMessage({ type: "failed", message: String(error) });
  }
};
