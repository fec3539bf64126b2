// The playground page: the editor with the weir language, the engine worker, and the results, plan and checkpoint panels.
import './styles.css';
import { EXAMPLES, STARTER } from './examples';
import { completionProvider } from './language/completion';
import { hoverProvider } from './language/hover';
import { updateMarkers } from './language/markers';
import { LANGUAGE_ID, languageConfiguration, monarchLanguage } from './language/monarch';
import { monaco } from './monaco';
import { CheckpointsPanel, type KeptSavepoint } from './panels/checkpoints-panel';
import { DataPanel } from './panels/data-panel';
import { PlanPanel, type PlanJson } from './panels/plan-panel';
import { ResultsPanel } from './panels/results-panel';
import type { FromWorker, JobFigures, SavepointBundle, ToWorker } from './worker/protocol';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** Page settings that apply as `-D key=value` flags do in the CLI: before the script's own SETs. */
function pageConfig(): Record<string, string> {
  const c: Record<string, string> = { 'execution.checkpointing.mode': $<HTMLSelectElement>('mode').value };
  const interval = $<HTMLSelectElement>('interval').value;
  if (interval) c['execution.checkpointing.interval'] = interval;
  return c;
}

monaco.languages.register({ id: LANGUAGE_ID });
monaco.languages.setMonarchTokensProvider(LANGUAGE_ID, monarchLanguage());
monaco.languages.setLanguageConfiguration(LANGUAGE_ID, languageConfiguration);
monaco.languages.registerCompletionItemProvider(LANGUAGE_ID, completionProvider(pageConfig));
monaco.languages.registerHoverProvider(LANGUAGE_ID, hoverProvider(pageConfig));

const editor = monaco.editor.create($('editor'), {
  value: STARTER,
  language: LANGUAGE_ID,
  automaticLayout: true,
  minimap: { enabled: false },
  fontSize: 13,
  scrollBeyondLastLine: false,
});
const model = editor.getModel()!;
let markerTimer: ReturnType<typeof setTimeout> | undefined;
const refreshMarkers = () => {
  clearTimeout(markerTimer);
  markerTimer = setTimeout(() => updateMarkers(model, pageConfig()), 150);
};
model.onDidChangeContent(refreshMarkers);
updateMarkers(model, pageConfig());

// ───────────── the worker ─────────────
const worker = new Worker(new URL('./worker/engine-worker.ts', import.meta.url), { type: 'module' });
const send = (m: ToWorker) => worker.postMessage(m);
const log = $<HTMLPreElement>('log');
const results = new ResultsPanel($('results'));
const plan = new PlanPanel($('plan'));
const savepoints: KeptSavepoint[] = [];
const checkpoints = new CheckpointsPanel($('checkpoints'), {
  download: (location) => send({ type: 'download', location }),
  restore: (location) => {
    const line = `SET 'execution.state-recovery.path' = '${location}';\n`;
    model.setValue(line + model.getValue().replace(/^SET 'execution\.state-recovery\.path'.*\n/m, ''));
  },
  upload: (file) =>
    void file.text().then((t) => send({ type: 'upload', bundle: JSON.parse(t) as SavepointBundle })),
});
const data = new DataPanel($('data'));
let current: JobFigures | undefined;
let checkpointsKey = '';

function print(text: string, level: string): void {
  const line = document.createElement('div');
  line.className = level;
  line.textContent = text;
  log.append(line);
  while (log.childElementCount > 500) log.firstElementChild!.remove();
  log.scrollTop = log.scrollHeight;
}

worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  switch (m.type) {
    case 'ready':
      $('status').textContent = 'engine ready';
      send({ type: 'rate', eventsPerSec: Number($<HTMLSelectElement>('rate').value) });
      return;
    case 'log':
      print(m.text, m.level);
      return;
    case 'job':
      plan.setPlan(m.plan as PlanJson);
      return;
    case 'figures': {
      current = m.jobs.at(-1);
      $('status').textContent = current
        ? `${current.name}: ${current.status} · in ${current.recordsIn.toLocaleString('en-US')} · out ${current.recordsOut.toLocaleString('en-US')}`
        : 'engine ready';
      results.render(current);
      plan.render(current);
      const key = JSON.stringify([current?.checkpoints.map((c) => [c.id, c.status]), savepoints.length]);
      if (key !== checkpointsKey) {
        checkpointsKey = key;
        checkpoints.render(current, savepoints);
      }
      return;
    }
    case 'savepoint':
      savepoints.push({ location: m.location, size: m.size });
      checkpointsKey = '';
      return;
    case 'bundle': {
      const blob = new Blob([JSON.stringify(m.bundle)], { type: 'application/json' });
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `${m.bundle.name.replace(/[^A-Za-z0-9._-]/g, '_')}.savepoint.json`;
      a.click();
      URL.revokeObjectURL(a.href);
      return;
    }
    case 'done':
      $('status').dataset.done = String(Number($('status').dataset.done ?? 0) + 1);
      return;
  }
};

// ───────────── controls ─────────────
function run(): void {
  const selection = editor.getSelection();
  const text = selection && !selection.isEmpty() ? model.getValueInRange(selection) : model.getValue();
  log.replaceChildren();
  send({ type: 'run', script: text, config: pageConfig(), pasted: data.pasted() });
}

$('run').addEventListener('click', run);
editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, run);
$('stop').addEventListener('click', () => send({ type: 'cancel' }));
$('checkpoint').addEventListener('click', () => send({ type: 'statement', text: 'CHECKPOINT;' }));
$('savepoint').addEventListener('click', () =>
  send({ type: 'statement', text: "SAVEPOINT TO 'savepoints';" }),
);
$('fail').addEventListener('click', () => send({ type: 'fail' }));
$<HTMLSelectElement>('rate').addEventListener('change', (e) =>
  send({ type: 'rate', eventsPerSec: Number((e.target as HTMLSelectElement).value) }),
);
$('mode').addEventListener('change', refreshMarkers);
const prompt = $<HTMLInputElement>('prompt');
prompt.addEventListener('keydown', (e) => {
  if (e.key !== 'Enter' || !prompt.value.trim()) return;
  print(`weir> ${prompt.value}`, 'echo');
  send({ type: 'statement', text: prompt.value });
  prompt.value = '';
});
const examples = $<HTMLSelectElement>('examples');
examples.append(new Option('Examples…', ''), ...EXAMPLES.map((x, i) => new Option(x.name, String(i))));
examples.addEventListener('change', () => {
  const x = EXAMPLES[Number(examples.value)];
  if (x && examples.value !== '') model.setValue(x.text);
  examples.value = '';
});
document.querySelectorAll<HTMLButtonElement>('#tabs button').forEach((b) =>
  b.addEventListener('click', () => {
    document.querySelectorAll('#tabs button, .panel').forEach((x) => x.classList.remove('active'));
    b.classList.add('active');
    $(b.dataset.tab!).classList.add('active');
  }),
);

/** For tests and the curious: the editor, its markers and the latest figures. */
Object.assign(window, {
  weir: {
    editor,
    markers: () => monaco.editor.getModelMarkers({ resource: model.uri }),
    figures: () => current,
  },
});
