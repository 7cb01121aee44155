/**
 * Preloaded into a child process by the benchmark (`node --import .../rss-hook.js cli ...`): when
 * the process exits, writes its peak resident set size to stderr, so the parent reads the peak of
 * a whole CLI run without a platform tool (getrusage's ru_maxrss, through Node's resourceUsage).
 */
process.on('exit', () => {
  process.stderr.write(`\nreplilab-max-rss-kb ${process.resourceUsage().maxRSS}\n`);
});
