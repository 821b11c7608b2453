// The baseline of the cold-start benchmark: what every Durable app on Node loads (the Functions and
// Durable SDKs), one orchestration, one activity and one HTTP route, and nothing else.
const { app } = require('@azure/functions');
const df = require('durable-functions');

df.app.activity('hello', { handler: (name) => `hello ${name}` });
df.app.orchestration('greet', function* (context) {
  return yield context.df.callActivity('hello', context.df.getInput());
});
app.http('ping', {
  route: 'ping',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: () => ({ status: 200 }),
});
