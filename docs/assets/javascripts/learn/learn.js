/* Solve and check a lesson's exercises on its page (see mkdocs_hooks/pyodide.py).
 *
 * One entry point for the page and the tests:
 *   await window.learn.check("lesson1", {"lesson1/neuron.py": source})
 * resolves to the JSON `learn check lesson1 --format json` prints for such a folder
 * (files not given are the learner's saved ones, else the stubs). The tests run in a
 * Web Worker (worker.js); this page plays the part of grader.runner's parent: it times
 * each test, terminates the worker when one overruns past the worker's own watchdog,
 * runs the rest in a fresh one, and has the grader's own code put the records together.
 */
(() => {
  "use strict";

  const root = new URL("../../../", document.currentScript.src);  // the site's root
  const assets = new URL("assets/learn/", root);
  const workerUrl = new URL("assets/javascripts/learn/worker.js", root);
  const MAX_RESTARTS = 3;  // as grader.runner

  // -- what the site knows about the course, and what this browser keeps ----------------

  let manifestPromise = null;
  function manifest() {
    manifestPromise ??= fetch(new URL("course.json", assets))
      .then((response) => (response.ok ? response.json() : null))
      .catch(() => null);
    return manifestPromise;
  }

  const store = {
    get(key) {
      try {
        const text = localStorage.getItem(`learn:${key}`);
        return text === null ? null : JSON.parse(text);
      } catch {
        return null;
      }
    },
    set(key, value) {
      try {
        if (value === null) localStorage.removeItem(`learn:${key}`);
        else localStorage.setItem(`learn:${key}`, JSON.stringify(value));
      } catch {
        /* storage full or disabled: the page still works, it just forgets */
      }
    },
    has(prefix) {
      try {
        return Object.keys(localStorage).some((key) => key.startsWith(`learn:${prefix}`));
      } catch {
        return false;
      }
    },
  };

  function currentFiles(lesson, given = {}) {
    const files = {};
    for (const [path, stub] of Object.entries(lesson.files)) {
      files[path] = given[path] ?? store.get(`file:${path}`) ?? stub;
    }
    return files;
  }

  // -- the worker ---------------------------------------------------------------------

  let worker = null;
  let workerReady = null;

  function startWorker() {
    if (worker) return workerReady;
    worker = new Worker(workerUrl);
    const mine = worker;
    workerReady = new Promise((resolve, reject) => {
      mine.addEventListener("message", function first({ data }) {
        if (data.type === "ready") resolve();
        else if (data.type === "failed") reject(new Error(data.message));
        else return;
        mine.removeEventListener("message", first);
      });
    });
    workerReady.catch(() => stopWorker(mine));
    return workerReady;
  }

  function stopWorker(which = worker) {
    if (which && which === worker) {
      worker.terminate();
      worker = null;
      workerReady = null;
    }
  }

  /* One worker run: every record line it wrote, and `killed_after` when a test overran
   * (else pytest's exit code and output). */
  async function runOnce(lessonId, files, tests, timeout, grace, onRecord) {
    await startWorker();
    const mine = worker;
    return new Promise((resolve, reject) => {
      const lines = [];
      let timer = null;
      const finish = (value, error) => {
        clearTimeout(timer);
        mine.removeEventListener("message", listen);
        if (error) reject(error);
        else resolve(value);
      };
      function listen({ data }) {
        if (data.type === "record") {
          lines.push(data.line);
          let record = null;
          try {
            record = JSON.parse(data.line);
          } catch {
            return;
          }
          if (record.event === "start") {
            clearTimeout(timer);
            timer = setTimeout(() => {
              stopWorker(mine);
              finish({ lines, killed_after: timeout + grace });
            }, (timeout + grace) * 1000);
          } else if (record.event === "result") {
            clearTimeout(timer);
          }
          onRecord?.(record);
        } else if (data.type === "ran") {
          finish({ lines, killed_after: null, returncode: data.code, output: data.output });
        } else if (data.type === "failed") {
          stopWorker(mine);
          finish(null, new Error(data.message));
        }
      }
      mine.addEventListener("message", listen);
      mine.postMessage({ type: "run", lesson: lessonId, files, tests, timeout });
    });
  }

  async function assemble(lessonId, runs) {
    await startWorker();
    const mine = worker;
    return new Promise((resolve, reject) => {
      mine.addEventListener("message", function listen({ data }) {
        if (data.type !== "assembled" && data.type !== "failed") return;
        mine.removeEventListener("message", listen);
        if (data.type === "assembled") resolve(JSON.parse(data.json));
        else reject(new Error(data.message));
      });
      mine.postMessage({ type: "assemble", lesson: lessonId, runs });
    });
  }

  /* The tests a run left unfinished: all the first run collected, less those reported. */
  function remaining(runs) {
    const parsed = (run) => run.lines.map((line) => {
      try {
        return JSON.parse(line);
      } catch {
        return {};
      }
    });
    const collected = parsed(runs[0]).find((r) => r.event === "collected");
    if (!collected) return [];
    const done = new Set();
    for (const run of runs) {
      let unfinished = null;
      for (const record of parsed(run)) {
        if (record.event === "start") unfinished = record.test;
        if (record.event === "result") {
          done.add(record.test);
          unfinished = null;
        }
      }
      if (unfinished) done.add(unfinished);
    }
    return collected.tests.map((t) => t.test).filter((id) => !done.has(id));
  }

  let queue = Promise.resolve();

  /* `learn check LESSON --format json`, here. options: timeout (seconds per test),
   * onRecord (each record as it comes), save (record the result as progress). */
  function check(lessonId, given = {}, options = {}) {
    const job = queue.then(async () => {
      const site = await manifest();
      const lesson = site?.lessons[lessonId];
      if (!lesson?.browser) throw new Error(`${lessonId} cannot be checked in the browser`);
      const files = currentFiles(lesson, given);
      const timeout = options.timeout ?? site.timeout;
      const runs = [];
      let tests = [];
      for (let attempt = 0; attempt <= MAX_RESTARTS; attempt++) {
        const run = await runOnce(lessonId, files, tests, timeout, site.grace, options.onRecord);
        runs.push(run);
        if (run.killed_after === null) break;
        tests = remaining(runs);
        if (!tests.length) break;
      }
      const result = await assemble(lessonId, runs);
      if (options.save !== false) {
        const [{ score, max_score, passed }] = result;
        store.set(`result:${lessonId}`, { score, max_score, passed });
        showProgress(site);
      }
      return result;
    });
    queue = job.catch(() => {});
    return job;
  }

  // -- the nav: each lesson's last score in this browser -------------------------------

  function showProgress(site) {
    for (const [id, lesson] of Object.entries(site.lessons)) {
      const saved = store.get(`result:${id}`);
      const href = new URL(lesson.page, root).href;
      for (const link of document.querySelectorAll(".md-nav__link[href]")) {
        if (link.href !== href) continue;
        link.querySelector(".learn-progress")?.remove();
        if (!saved) continue;
        const badge = document.createElement("span");
        badge.className = "learn-progress" + (saved.passed ? " learn-progress--done" : "");
        badge.textContent = `${saved.score}/${saved.max_score}`;
        badge.title = "Your last check in this browser: points earned of the lesson's total";
        link.append(" ", badge);
      }
    }
  }

  // -- download: a folder laid out like exercises/ ------------------------------------

  const CRC = new Uint32Array(256).map((_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });

  function crc32(bytes) {
    let c = 0xffffffff;
    for (const b of bytes) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  }

  /* A zip archive of {path: text}, stored without compression (a handful of small files). */
  function zip(files) {
    const encoder = new TextEncoder();
    const parts = [];
    const central = [];
    let offset = 0;
    for (const [path, text] of Object.entries(files)) {
      const name = encoder.encode(path);
      const data = encoder.encode(text);
      const header = (signature, extra) => {
        const view = new DataView(new ArrayBuffer(extra ? 46 : 30));
        view.setUint32(0, signature, true);
        let at = 4;
        if (extra) view.setUint16((at += 2) - 2, 20, true);  // made by
        for (const [size, value] of [
          [2, 20], [2, 0x0800], [2, 0], [2, 0], [2, 0x21],  // version, UTF-8, stored, time, date
          [4, crc32(data)], [4, data.length], [4, data.length], [2, name.length], [2, 0],
        ]) {
          if (size === 2) view.setUint16(at, value, true);
          else view.setUint32(at, value, true);
          at += size;
        }
        if (extra) view.setUint32(42, offset, true);  // where its local header starts
        return new Uint8Array(view.buffer);
      };
      const local = header(0x04034b50, false);
      parts.push(local, name, data);
      central.push(header(0x02014b50, true), name);
      offset += local.length + name.length + data.length;
    }
    const size = central.reduce((sum, part) => sum + part.length, 0);
    const end = new DataView(new ArrayBuffer(22));
    end.setUint32(0, 0x06054b50, true);
    end.setUint16(8, central.length / 2, true);
    end.setUint16(10, central.length / 2, true);
    end.setUint32(12, size, true);
    end.setUint32(16, offset, true);
    return new Blob([...parts, ...central, end], { type: "application/zip" });
  }

  async function download() {
    const site = await manifest();
    const files = {};
    for (const lesson of Object.values(site.lessons)) {
      if (!lesson.browser) continue;
      for (const [path, text] of Object.entries(currentFiles(lesson))) {
        files[`exercises/${path}`] = text;
      }
    }
    const link = document.createElement("a");
    link.href = URL.createObjectURL(zip(files));
    link.download = "exercises.zip";
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  }

  window.learn = { check, download };

  // -- the panel on a lesson page -----------------------------------------------------

  function loadScript(url) {
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      script.onload = resolve;
      script.onerror = () => reject(new Error(`could not load ${url}`));
      document.head.append(script);
    });
  }

  async function loadCodeMirror() {
    const css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = new URL("codemirror/lib/codemirror.css", assets);
    document.head.append(css);
    await loadScript(new URL("codemirror/lib/codemirror.js", assets));
    await loadScript(new URL("codemirror/mode/python/python.js", assets));
  }

  /* The learner's code: a plain textarea until it is first focused (by keyboard, click or
   * tap), then CodeMirror, fetched only then since most readers never edit. What is typed
   * meanwhile is kept, and where CodeMirror cannot load the textarea stays and works. */
  function codeEditor(box, { onChange, onFocus, onFail, onEscape }) {
    const plain = element("textarea", { className: "learn-plain", spellcheck: false });
    plain.setAttribute("wrap", "off");  // code scrolls sideways, as in the editor
    plain.addEventListener("input", () => onChange(plain.value));
    box.append(plain);
    let cm = null;
    plain.addEventListener("focus", () => {
      onFocus();
      loadCodeMirror().then(() => {
        const [from, to] = [plain.selectionStart, plain.selectionEnd];
        // focused where the textarea still is: fromTextArea moves the focus over
        cm = window.CodeMirror.fromTextArea(plain, {
          mode: "python",
          lineNumbers: true,
          indentUnit: 4,
          inputStyle: "contenteditable",  // the text itself is what screen readers and phones edit
          // Tab indents inside the code, so Escape is the keyboard's way out (no trap)
          extraKeys: {
            Tab: (editor) => editor.execCommand("insertSoftTab"),
            Esc: () => onEscape(),
          },
          screenReaderLabel: plain.getAttribute("aria-label"),
        });
        cm.setSelection(cm.posFromIndex(from), cm.posFromIndex(to));
        cm.on("changes", () => onChange(cm.getValue()));
      }, onFail);
    }, { once: true });
    return {
      get value() {
        return cm ? cm.getValue() : plain.value;
      },
      set value(text) {
        if (!cm) {
          plain.value = text;
          plain.setSelectionRange(0, 0);  // the caret at the top, as in the editor
        } else {
          cm.setValue(text);
          cm.clearHistory();
        }
      },
      set label(text) {
        (cm ? cm.getInputField() : plain).setAttribute("aria-label", text);
      },
    };
  }

  function element(tag, props = {}, ...children) {
    const node = Object.assign(document.createElement(tag), props);
    node.append(...children.filter((child) => child !== null && child !== undefined));
    return node;
  }

  function button(text, onClick, primary = false) {
    const node = element("button", { type: "button", textContent: text });
    node.className = primary ? "learn-button learn-button--primary" : "learn-button";
    node.addEventListener("click", onClick);
    return node;
  }

  function groups(site, lesson, result) {
    const byName = new Map(lesson.exercises.map((e) => [e.name, []]));
    for (const test of result.tests) {
      if (!byName.has(test.exercise)) byName.set(test.exercise, []);
      byName.get(test.exercise).push(test);
    }
    return [...byName].filter(([, tests]) => tests.length).map(([name, tests]) => {
      const present = new Set(tests.map((t) => t.status));
      const status = site.urgency.find((s) => present.has(s)) ?? "not run";
      const score = tests.filter((t) => t.status === "passed").reduce((s, t) => s + t.points, 0);
      const max = tests.filter((t) => t.status !== "not run").reduce((s, t) => s + t.points, 0);
      // as results.py's first_problem: of failures, a test that names its section says most
      const worst = tests.filter((t) => t.status === status);
      const problem = (status === "failed" ? worst.find((t) => t.section) : undefined) ?? worst[0];
      const exercise = lesson.exercises.find((e) => e.name === name);
      return { name, status, score, max, problem, exercise };
    });
  }

  function hints(exercise) {
    const list = element("ol", { className: "learn-hints" });
    const more = element("button", { type: "button", className: "learn-button learn-hint" });
    const update = () => {
      const left = exercise.hints.length - list.children.length;
      more.textContent = `Show a hint for ${exercise.name} (${left} left)`;
      more.hidden = left === 0;
    };
    more.addEventListener("click", () => {
      list.append(element("li", { textContent: exercise.hints[list.children.length] }));
      update();
    });
    update();
    return [list, more];
  }

  function renderResult(site, lesson, result, into) {
    into.replaceChildren();
    if (result.error) {
      into.append(element("p", { textContent: `Could not be graded: ${result.error}` }));
      return;
    }
    const table = element("table");  // no class: Material styles it as the page's tables
    table.append(
      element("caption", { textContent: `${result.lesson}: score ${result.score}/${result.max_score}` }),
      element("thead", {}, element("tr", {},
        ...["Exercise", "Status", "Points", "First problem"].map((h) =>
          element("th", { scope: "col", textContent: h })))),
    );
    const body = element("tbody");
    for (const row of groups(site, lesson, result)) {
      const detail = element("td");
      if (row.status !== "passed" && row.problem) {
        const message = row.status === "not started"
          ? "still raises NotImplementedError"
          : row.problem.message.trim() || row.status;
        detail.append(element("pre", { className: "learn-message", textContent: message }));
        if (row.problem.location && row.status !== "not started") {
          detail.append(element("p", { textContent: `at ${row.problem.location}` }));
        }
        if (row.exercise && row.status !== "not run") {
          detail.append(element("p", {}, "Read again: ",
            element("a", { href: row.exercise.link, textContent: row.exercise.section })));
          if (row.exercise.hints.length) detail.append(...hints(row.exercise));
        }
      }
      body.append(element("tr", { className: `learn-row learn-${row.status.replace(/ /g, "-")}` },
        element("th", { scope: "row" }, element("code", { textContent: row.name })),
        element("td", { className: "learn-state", textContent: site.labels[row.status] }),
        element("td", { textContent: `${row.score}/${row.max}` }),
        detail));
    }
    table.append(body);
    // Scrolls sideways on a narrow screen: a region the keyboard can reach.
    const region = element("div", { className: "learn-scroll", tabIndex: 0 }, table);
    region.setAttribute("role", "region");
    region.setAttribute("aria-label", `Results of ${result.lesson}`);
    into.append(region);
  }

  async function mountPanel(section) {
    const app = section.querySelector(".learn-app");
    const site = await manifest();
    const lesson = site?.lessons[section.dataset.lesson];
    if (!lesson?.browser) return;
    const paths = Object.keys(lesson.files).filter((p) => !p.endsWith("__init__.py"));
    let current = paths[0];
    const status = element("p", { className: "learn-status", role: "status" });
    const results = element("div", { className: "learn-results" });
    const editorBox = element("div", { className: "learn-editor" });
    const tabs = element("div", { className: "learn-files", role: "tablist" });
    tabs.setAttribute("aria-label", "Your files");
    const checkButton = button("Check", () => runCheck(), true);
    const editor = codeEditor(editorBox, {
      onChange: (text) => store.set(`file:${current}`, text),
      onFocus: () => startWorker().catch(() => {}),  // Python starts while the learner types
      onFail: () => {
        status.textContent = "The editor could not load: your code can still be typed above.";
      },
      onEscape: () => checkButton.focus(),
    });
    app.replaceChildren(tabs, editorBox,
      element("div", { className: "learn-actions" },
        checkButton,
        button("Start this file again", () => {
          if (!confirm(`Replace your ${current} with the stub? Your version is lost.`)) return;
          store.set(`file:${current}`, null);
          editor.value = lesson.files[current];
        }),
        button("Download my files", () => download())),
      status, results);
    const select = (path) => {
      current = path;
      editor.value = currentFiles(lesson)[path];
      editor.label = `${path}: your code`;
      for (const tab of tabs.children) {
        tab.setAttribute("aria-selected", String(tab.dataset.path === path));
      }
    };
    for (const path of paths) {
      const tab = element("button", { type: "button", textContent: path, className: "learn-tab" });
      tab.dataset.path = path;
      tab.setAttribute("role", "tab");
      tab.addEventListener("click", () => select(path));
      tabs.append(tab);
    }
    select(current);
    status.textContent = "Write your code above, then press Check (Escape leaves the code).";

    async function runCheck() {
      store.set(`file:${current}`, editor.value);
      let total = 0;
      let seen = 0;
      status.textContent = "Starting Python in your browser (the first time takes a few seconds)…";
      const started = performance.now();
      try {
        const result = await check(section.dataset.lesson, {}, {
          onRecord(record) {
            if (record.event === "collected") total = record.tests.length;
            if (record.event === "result") {
              seen += 1;
              status.textContent = `Running the tests: ${seen} of ${total}`;
            }
          },
        });
        const [one] = result;
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        status.textContent = `${one.lesson}: ${one.score}/${one.max_score} points` +
          (one.passed ? ", every test passed." : ".") + ` (${seconds} s)`;
        renderResult(site, lesson, one, results);
      } catch (error) {
        status.textContent = `The check could not run: ${error.message}`;
      }
    }
  }

  /* The course's files are fetched only where they are needed: by a lesson's panel, and
   * for the nav's badges once this browser has a result to show. */
  function start() {
    if (store.has("result:")) manifest().then((site) => site && showProgress(site));
    for (const section of document.querySelectorAll(".learn-solve[data-lesson]")) {
      mountPanel(section);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
