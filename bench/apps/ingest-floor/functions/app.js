// The floor of the ingestion benchmark (bench/ingest/floor.ts): a minimal Durable app whose Event Grid
// functions make the Durable client calls Gantry's push path makes, and do nothing else (no storage, no
// configuration, no logging). What the dev host and the Durable SDK cost per event, measured in the
// same run, with the same load generator, as Gantry's `acrEventGrid`.
const df = require('durable-functions');

// Started once by the benchmark and left waiting: the instance the status read finds (Gantry reads its
// service lane's status, which exists and is running).
const PARKED = 'floor-parked';

df.app.activity('hello', { handler: (name) => `hello ${name}` });
df.app.orchestration('greet', function* (context) {
  return yield context.df.callActivity('hello', context.df.getInput());
});
df.app.orchestration('parked', function* (context) {
  yield context.df.waitForExternalEvent('never');
});

/** Reads a status as Gantry's `controlFor().status` does (a missing instance would be a broken floor). */
async function readStatus(client) {
  const status = await client.getStatus(PARKED);
  if (status.runtimeStatus !== 'Running') throw new Error(`${PARKED} is ${status.runtimeStatus}`);
}

// (a) no Durable client call: the host's Event Grid route and the function invocation alone.
df.app.client.eventGrid('floorNone', { handler: async () => {} });

// (b) what Gantry makes per new digest queued behind a running release: the lane's status, the start
// of the announcement (a small orchestration with one activity).
df.app.client.eventGrid('floorNewDigest', {
  handler: async (event, client) => {
    await readStatus(client);
    await client.startNew('greet', { instanceId: `greet-${event.id}`, input: event.subject });
  },
});

// (c) what Gantry makes per duplicate of a still-queued image: the lane's status.
df.app.client.eventGrid('floorDuplicate', {
  handler: async (_event, client) => {
    await readStatus(client);
  },
});
