const df = require('durable-functions');

// Trivial on purpose: the benchmark measures the engine and the SDK replay, not the activity.
df.app.activity('inc', { handler: (n) => n + 1 });
