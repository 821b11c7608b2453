// The benchmark workloads; the size comes in as the input. bench/devhost/peer.ts has the same three for
// the peer engine, written against @microsoft/durabletask-js.
const df = require('durable-functions');

// A sequential chain: each activity starts only when the previous one has completed.
df.app.orchestration('chain', function* (context) {
  const count = context.df.getInput();
  let sum = 0;
  for (let i = 0; i < count; i++) sum += yield context.df.callActivity('inc', i);
  return sum;
});

// Fan-out/fan-in: every activity is scheduled in one episode, then the orchestrator waits for all.
df.app.orchestration('fanOut', function* (context) {
  const count = context.df.getInput();
  const tasks = [];
  for (let i = 0; i < count; i++) tasks.push(context.df.callActivity('inc', i));
  const results = yield context.df.Task.all(tasks);
  return results.reduce((sum, n) => sum + n, 0);
});

// External events into one instance: waits for `count` events named `e`, one at a time.
df.app.orchestration('events', function* (context) {
  const count = context.df.getInput();
  let received = 0;
  while (received < count) {
    yield context.df.waitForExternalEvent('e');
    received++;
  }
  return received;
});
