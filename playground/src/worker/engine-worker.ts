// The Web Worker that runs weir's core runtime for the page: statements in, figures out every 250 ms.
import { BrowserSession } from './browser-session';
import type { FromWorker, ToWorker } from './protocol';

const post = (m: FromWorker) => (self as unknown as Worker).postMessage(m);
const started = performance.now();
const session = new BrowserSession(post, 200_000);
/** Statements run one after another, as typed. */
let queue: Promise<unknown> = Promise.resolve();

function enqueue(work: () => Promise<boolean>): void {
  queue = queue.then(async () => {
    let ok = false;
    try {
      ok = await work();
    } catch (e) {
      post({ type: 'log', level: 'err', text: e instanceof Error ? e.message : String(e) });
    }
    post({ type: 'done', ok });
  });
}

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  switch (m.type) {
    case 'run':
      session.pasted = new Map(Object.entries(m.pasted));
      enqueue(() => session.runScript(m.script, m.config));
      return;
    case 'statement':
      enqueue(() => session.runStatements(m.text));
      return;
    case 'fail': {
      const running = session.running();
      if (running.length === 0) post({ type: 'log', level: 'err', text: 'no job is running' });
      for (const j of running) {
        post({ type: 'log', level: 'err', text: `[weir] failing a task of job '${j.name}'` });
        j.fail();
      }
      return;
    }
    case 'rate':
      session.pacer.setRate(m.eventsPerSec);
      return;
    case 'cancel':
      enqueue(async () => {
        for (const j of session.running()) await j.cancel();
        return true;
      });
      return;
    case 'download':
      void session.shelf.bundle(m.location).then(
        (bundle) => post({ type: 'bundle', bundle }),
        (err: unknown) => post({ type: 'log', level: 'err', text: String(err) }),
      );
      return;
    case 'upload':
      enqueue(async () => {
        const location = await session.shelf.upload(m.bundle);
        post({ type: 'log', level: 'out', text: `Savepoint '${m.bundle.name}' uploaded: ${location}` });
        post({ type: 'savepoint', location, size: 0 });
        return true;
      });
      return;
  }
};

setInterval(() => {
  post({ type: 'figures', jobs: session.jobs.map((j) => j.figures(performance.now() - started)) });
}, 250);
post({ type: 'ready' });
