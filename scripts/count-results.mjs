// Reads vitest's JSON reports and prints the closing line CI reads: "N passed, N failed".
// Usage: count-results.mjs REPORT.json [REPORT.json ...] [--also NAME=STATUS ...]
// Every report is counted (npm test's, test:nixos's); a report that cannot be read counts as one failure.
// `--also NAME=STATUS` counts one more check run outside vitest (the demo, the quick benchmarks): exit 0 passed, anything else failed.
import { readFileSync } from 'node:fs';
const args = process.argv.slice(2);
const files = [];
const also = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--also') also.push(String(args[++i] ?? ''));
  else files.push(args[i]);
}
let passed = 0, failed = 0, skipped = 0;
if (files.length === 0) {
  console.error('count-results: no vitest JSON report given');
  failed += 1;
}
for (const file of files) {
  try {
    const r = JSON.parse(readFileSync(file, 'utf8'));
    passed += r.numPassedTests ?? 0;
    failed += (r.numFailedTests ?? 0) + (r.numRuntimeErrorTestSuites ?? 0);
    skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    // A file that failed outside any test (it did not load, or a beforeAll/afterAll hook threw,
    // leaving its tests skipped) counts as one failure, so the closing line never says 0 failed for a red run.
    for (const s of r.testResults ?? []) {
      if (s.status === 'failed' && !(s.assertionResults ?? []).some((a) => a.status === 'failed')) failed += 1;
    }
  } catch (e) {
    console.error(`count-results: cannot read ${file}: ${e.message}`);
    failed += 1;
  }
}
for (const check of also) {
  const [name, status] = check.split('=');
  if (status === '0') passed += 1;
  else {
    failed += 1;
    console.error(`count-results: ${name} failed (exit ${status})`);
  }
}
console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ''));
process.exit(failed > 0 || passed === 0 ? 1 : 0);
