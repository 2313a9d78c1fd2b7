// Prints one plain closing line, `jest: N passed, N failed, N skipped`, as the very last line of
// the run (at exit, after jest's own summary), so CI can read the counts.
export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `jest: ${results.numPassedTests} passed, ${failed} failed, ${results.numPendingTests} skipped\n`;
    process.once('exit', () => process.stdout.write(line));
  }
}
