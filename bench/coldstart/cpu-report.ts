/**
 * Preloaded (`node -r`) into each timed process by bench/coldstart/measure.ts: at exit, prints the
 * process's CPU time (user + system, ms) to stderr. On a shared machine the wall time of a cold start
 * grows with the load average while its CPU time barely moves, so the report shows both.
 */
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  process.stderr.write(`\ncoldstart-cpu-ms ${(user + system) / 1000}\n`);
});
